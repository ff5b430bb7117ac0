using System.Net;
using System.Text.Json;

namespace OpenMotoko.Settings;

/// <summary>Every settings key the daemon knows. Keys are flat strings: "app.port" is one key.</summary>
internal static class SettingsCatalog
{
    public const string DefaultModel = "defaultModel";
    public const string OnboardingComplete = "onboardingComplete";
    public const string AnthropicApiKey = "anthropicApiKey";
    public const string OpenAiApiKey = "openaiApiKey";
    public const string GoogleAiApiKey = "googleAiApiKey";
    public const string OllamaHost = "ollamaHost";
    public const string SystemPrompt = "systemPrompt";
    public const string Budget = "budget";
    public const string Theme = "theme";
    public const string DefaultProvider = "llm.defaultProvider";
    public const string LlmDefaultModel = "llm.defaultModel";
    public const string AppPort = "app.port";
    public const string AppHost = "app.host";
    public const string SessionTtlHours = "auth.sessionTtlHours";
    public const string OwnerRateLimit = "auth.ownerRateLimit";
    public const string AnonymousRateLimit = "auth.anonymousRateLimit";
    public const string TailscaleIdentity = "auth.tailscaleIdentity";
    public const string TailscaleUsers = "auth.tailscaleUsers";
    public const string Fallbacks = "llm.fallbacks";
    public const string AliasFast = "llm.alias.fast";
    public const string AliasBalanced = "llm.alias.balanced";
    public const string AliasSmart = "llm.alias.smart";
    public const string MaxIterations = "agent.maxIterations";
    public const string TimeZone = "app.timezone";
    public const string AnthropicBaseUrl = "anthropicBaseUrl";
    public const string OpenAiBaseUrl = "openaiBaseUrl";
    public const string GoogleAiBaseUrl = "googleAiBaseUrl";
    public const string GenericBaseUrl = "genericBaseUrl";
    public const string GenericApiKey = "genericApiKey";
    public const string Workspace = "agent.workspace";
    public const string ApprovalTimeoutSeconds = "agent.approvalTimeoutSeconds";
    public const string ShellMode = "skills.shell.mode";
    public const string ShellAllow = "skills.shell.allow";
    public const string ShellNetwork = "skills.shell.network";
    public const string ShellUnsandboxed = "skills.shell.unsandboxed";
    public const string MaxParallelTools = "agent.maxParallelTools";
    public const string FilesystemMode = "skills.filesystem.mode";
    public const string WebMode = "skills.web.mode";
    public const string MemoryMode = "skills.memory.mode";
    public const string ArtifactsMode = "skills.artifacts.mode";
    public const string WebSearch = "skills.web.search";
    public const string WebSearxngUrl = "skills.web.searxngUrl";
    public const string WebSearchApiKey = "skills.web.searchApiKey";
    public const string WebAllowHosts = "skills.web.allowHosts";
    public const string RegistryUrl = "registry.url";
    public const string SchedulerMaxConcurrent = "scheduler.maxConcurrent";
    public const string SchedulerCatchUpHours = "scheduler.catchUpHours";
    public const string ScheduleMode = "skills.schedule.mode";
    public const string WebhookRatePerMinute = "webhooks.ratePerMinute";
    public const string GmailPushToken = "gmail.pushToken";
    public const string GmailSubscription = "gmail.subscription";
    public const string GmailPrompt = "gmail.prompt";
    public const string GmailConversationId = "gmail.conversationId";
    public const string GmailClientId = "gmail.clientId";
    public const string GmailClientSecret = "gmail.clientSecret";
    public const string GmailRefreshToken = "gmail.refreshToken";
    public const string GmailApiBaseUrl = "gmail.apiBaseUrl";
    public const string GoogleOAuthTokenUrl = "gmail.tokenUrl";
    public const string GmailDeliverTo = "gmail.deliverTo";
    public const string AgentsMaxDepth = "agents.maxDepth";
    public const string AgentsMaxConcurrent = "agents.maxConcurrent";
    public const string AgentsDefaultBudgetUsd = "agents.defaultBudgetUsd";

    private static readonly string[] Modes = ["auto", "ask", "off"];

    /// <summary>The providers a "provider/model" name may start with (declared before <see cref="All"/>, which uses it).</summary>
    public static readonly string[] ProviderIds = ["anthropic", "openai", "google", "ollama", "generic"];

    public static IReadOnlyList<SettingDefinition> All { get; } =
    [
        SettingDefinition.Text(DefaultModel, 200, "balanced"),
        SettingDefinition.Boolean(OnboardingComplete, false),
        SettingDefinition.Secret(AnthropicApiKey, "ANTHROPIC_API_KEY"),
        SettingDefinition.Secret(OpenAiApiKey, "OPENAI_API_KEY"),
        SettingDefinition.Secret(GoogleAiApiKey, "GOOGLE_AI_API_KEY"),
        SettingDefinition.HttpUrl(OllamaHost, "http://localhost:11434", "OLLAMA_HOST"),
        SettingDefinition.Text(SystemPrompt, 100_000),
        SettingDefinition.Custom(Budget, "object {daily, monthly, alertThresholds}", CheckBudget,
            BudgetSettings.Default.ToJson().GetRawText()),
        SettingDefinition.Choice(Theme, ["system", "light", "dark"], "system"),
        SettingDefinition.Choice(DefaultProvider, ProviderIds, null),
        SettingDefinition.Text(LlmDefaultModel, 200, "balanced"), // another name for defaultModel, see Canonical
        SettingDefinition.Integer(AppPort, 0, 65535, 3457, "OPENMOTOKO_PORT"), // 0 picks a free port
        SettingDefinition.Custom(AppHost, "string (IP address or localhost)", CheckHost, "\"127.0.0.1\"", "OPENMOTOKO_HOST"),
        SettingDefinition.Integer(SessionTtlHours, 1, 24 * 366, 24 * 30),
        SettingDefinition.Integer(OwnerRateLimit, 0, 10_000_000, 6_000, "OPENMOTOKO_OWNER_RATE_LIMIT"),
        SettingDefinition.Integer(AnonymousRateLimit, 30, 100_000, 60),
        SettingDefinition.Custom(Fallbacks, "array of model names (provider/model, an alias or a bare id)", CheckFallbacks, "[]"),
        SettingDefinition.Text(AliasFast, 200), // unset: the default provider's own (Providers/ProviderDefaults.cs)
        SettingDefinition.Text(AliasBalanced, 200),
        SettingDefinition.Text(AliasSmart, 200),
        SettingDefinition.Integer(MaxIterations, 1, 100, 10),
        SettingDefinition.Custom(TimeZone, "string (IANA time zone, e.g. Europe/Berlin)", CheckTimeZone, null, "OPENMOTOKO_TIMEZONE"),
        SettingDefinition.HttpUrl(AnthropicBaseUrl, "https://api.anthropic.com", "ANTHROPIC_BASE_URL"),
        SettingDefinition.HttpUrl(OpenAiBaseUrl, "https://api.openai.com/v1", "OPENAI_BASE_URL"),
        SettingDefinition.HttpUrl(GoogleAiBaseUrl, "https://generativelanguage.googleapis.com", "GOOGLE_AI_BASE_URL"),
        SettingDefinition.HttpUrl(GenericBaseUrl, null, "GENERIC_LLM_BASE_URL"),
        SettingDefinition.Secret(GenericApiKey, "GENERIC_LLM_API_KEY"),
        SettingDefinition.Custom(Workspace, "string (a folder path of at most 4096 characters, no control characters)", CheckWorkspace, null, "OPENMOTOKO_WORKSPACE"),
        SettingDefinition.Integer(ApprovalTimeoutSeconds, 10, 7 * 24 * 3600, 600),
        SettingDefinition.Choice(ShellMode, Modes, "ask"),
        SettingDefinition.TextList(ShellAllow, 200, 100),
        SettingDefinition.Boolean(TailscaleIdentity, false), // opt-in: a 'tailscale serve' request from a listed login needs no password
        SettingDefinition.TextList(TailscaleUsers, 100, 320),
        SettingDefinition.Boolean(ShellNetwork, true),
        SettingDefinition.Boolean(ShellUnsandboxed, false), // true lets commands run unconfined where no sandbox exists
        SettingDefinition.Integer(MaxParallelTools, 1, 64, 8),
        SettingDefinition.Choice(FilesystemMode, Modes, "ask"),
        SettingDefinition.Choice(WebMode, Modes, "auto"),
        SettingDefinition.Choice(MemoryMode, Modes, "auto"),
        SettingDefinition.Choice(ArtifactsMode, Modes, "auto"),
        SettingDefinition.Choice(WebSearch, ["none", "searxng", "brave", "tavily"], "none"),
        SettingDefinition.HttpUrl(WebSearxngUrl, null),
        SettingDefinition.Secret(WebSearchApiKey, "OPENMOTOKO_WEB_SEARCH_API_KEY"),
        SettingDefinition.TextList(WebAllowHosts, 100, 253),
        SettingDefinition.HttpUrl(RegistryUrl, null, "OPENMOTOKO_REGISTRY_URL"),
        SettingDefinition.Integer(SchedulerMaxConcurrent, 1, 32, 2),
        SettingDefinition.Integer(SchedulerCatchUpHours, 0, 24 * 31, 6),
        SettingDefinition.Choice(ScheduleMode, Modes, "auto"),
        SettingDefinition.Integer(WebhookRatePerMinute, 1, 10_000, 30),
        SettingDefinition.Secret(GmailPushToken, "OPENMOTOKO_GMAIL_PUSH_TOKEN"),
        SettingDefinition.Text(GmailSubscription, 255),
        SettingDefinition.Text(GmailPrompt, 10_000),
        SettingDefinition.Text(GmailConversationId, 100),
        SettingDefinition.Secret(GmailClientId, "OPENMOTOKO_GMAIL_CLIENT_ID"),
        SettingDefinition.Secret(GmailClientSecret, "OPENMOTOKO_GMAIL_CLIENT_SECRET"),
        SettingDefinition.Secret(GmailRefreshToken, "OPENMOTOKO_GMAIL_REFRESH_TOKEN"),
        SettingDefinition.HttpUrl(GmailApiBaseUrl, "https://gmail.googleapis.com", "GMAIL_API_BASE_URL"),
        SettingDefinition.HttpUrl(GoogleOAuthTokenUrl, "https://oauth2.googleapis.com/token", "GOOGLE_OAUTH_TOKEN_URL"),
        SettingDefinition.Custom(GmailDeliverTo, "object {channel, chatId}", v => Channels.DeliveryTarget.Parse(v) is null ? Channels.DeliveryTarget.Shape : null, null),
        SettingDefinition.Integer(AgentsMaxDepth, 0, 5, 2), // 0: no sub-agents at all
        SettingDefinition.Integer(AgentsMaxConcurrent, 1, 32, 4), // running children per parent
        SettingDefinition.Custom(AgentsDefaultBudgetUsd, "number (USD above 0, at most 100)", CheckSubAgentBudget, "0.5"),
    ];

    public static IReadOnlyDictionary<string, SettingDefinition> ByKey { get; } =
        All.ToDictionary(definition => definition.Key, StringComparer.Ordinal);

    /// <summary>The key a setting is stored under: llm.defaultModel is another name for defaultModel.</summary>
    public static string Canonical(string key) => key == LlmDefaultModel ? DefaultModel : key;

    public static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ||
        (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    public static bool IsValidHost(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || IPAddress.TryParse(host, out _);

    private static string? CheckHost(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && IsValidHost(value.GetString()!)
            ? null : "must be an IP address (127.0.0.1, 0.0.0.0, ::) or localhost";

    private static readonly SettingDefinition FallbackShape = SettingDefinition.TextList(Fallbacks, 10, 200);

    // A typo in a fallback would otherwise only show as a log line when the chain is needed.
    private static string? CheckFallbacks(JsonElement value)
    {
        if (FallbackShape.Check(value) is { } shape)
        {
            return shape;
        }
        foreach (var item in value.EnumerateArray())
        {
            var name = item.GetString()!;
            var slash = name.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0 && (!ProviderIds.Contains(name[..slash], StringComparer.Ordinal) || slash == name.Length - 1))
            {
                return $"'{name}' does not name a model of a known provider ({string.Join(", ", ProviderIds)}), e.g. openai/gpt-4o-mini";
            }
        }
        return null;
    }

    private static readonly SettingDefinition WorkspaceShape = SettingDefinition.Text(Workspace, 4096);

    // The value becomes a path on every tool call: a NUL makes each one fail, a line break or escape hides in logs.
    private static string? CheckWorkspace(JsonElement value) =>
        WorkspaceShape.Check(value)
        ?? (string.IsNullOrWhiteSpace(value.GetString()) ? "must be a folder path (send null for the default)"
            : value.GetString()!.Any(char.IsControl) ? "must not contain control characters (NUL, line breaks, escapes)"
            : null);

    private static string? CheckTimeZone(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && TimeZoneInfo.TryFindSystemTimeZoneById(value.GetString()!, out _)
            ? null : "must be an IANA time zone this machine knows, e.g. UTC or Europe/Berlin";

    private static string? CheckSubAgentBudget(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var usd) && usd > 0 && usd <= 100
            ? null : "must be a number of USD above 0 and at most 100, e.g. 0.5";

    private static string? CheckBudget(JsonElement value)
    {
        var errors = new List<Hosting.ErrorDetail>();
        BudgetSettings.Merge(BudgetSettings.Default, value, "", errors);
        return errors.Count == 0 ? null : $"{errors[0].Path}: {errors[0].Message}";
    }
}
