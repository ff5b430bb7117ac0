using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OpenMotoko.Hosting;

namespace OpenMotoko.Channels.Telegram;

/// <summary>
/// Telegram's channel config: <c>botToken</c> (secret), <c>allowFrom</c> (user ids), <c>groupMode</c>
/// (<c>mention</c>: answer in groups only when mentioned or replied to; <c>all</c>) and
/// <c>streaming</c> (edit one message as the answer grows), <c>mode</c> (<c>polling</c> or <c>webhook</c> at
/// <c>webhookUrl</c>) and <c>webhookSecret</c> (made by the daemon for setWebhook; a secret).
/// </summary>
internal sealed partial record TelegramConfig(string? BotToken, IReadOnlyList<string> AllowFrom, string GroupMode, bool Streaming,
    string Mode = "polling", string? WebhookUrl = null, string? WebhookSecret = null)
{
    public const string TokenKey = "botToken";
    public const string ModeKey = "mode";
    public const string WebhookSecretKey = "webhookSecret";
    public const string WebhookMode = "webhook";
    public const string TokenVariable = "TELEGRAM_BOT_TOKEN";
    public const string BaseUrlVariable = "TELEGRAM_API_BASE_URL";
    public const string DefaultBaseUrl = "https://api.telegram.org";

    private static readonly string[] GroupModes = ["mention", "all"];

    public bool AnswersAllInGroups => GroupMode == "all";

    public static TelegramConfig From(JsonObject config) => new(
        config[TokenKey]?.GetValue<string>(),
        config["allowFrom"] is JsonArray list ? [.. list.Select(Id)] : [],
        config["groupMode"]?.GetValue<string>() ?? "mention",
        config["streaming"]?.GetValue<bool>() ?? true,
        config[ModeKey]?.GetValue<string>() ?? "polling",
        config["webhookUrl"]?.GetValue<string>(),
        config[WebhookSecretKey]?.GetValue<string>());

    public bool UsesWebhook => Mode == WebhookMode;

    /// <summary>Checks a merged config; one detail per problem, each naming its field.</summary>
    public static void Validate(JsonObject config, string dmPolicy, List<ErrorDetail> errors)
    {
        foreach (var (key, value) in config)
        {
            var path = "config." + key;
            var problem = key switch
            {
                TokenKey => value?.GetValueKind() == JsonValueKind.String && TokenShape().IsMatch(value.GetValue<string>()) ? null
                    : "botToken must be the token BotFather gave you, like 123456789:AAE...",
                "allowFrom" => value is JsonArray ids && ids.Count <= 1000 && ids.All(IsId) ? null
                    : "allowFrom must be an array of Telegram user ids (numbers)",
                "groupMode" => value?.GetValueKind() == JsonValueKind.String && GroupModes.Contains(value.GetValue<string>()) ? null
                    : "groupMode must be \"mention\" (answer in groups only when mentioned or replied to) or \"all\"",
                "streaming" => value?.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? null : "streaming must be true or false",
                ModeKey => value?.GetValueKind() == JsonValueKind.String && value.GetValue<string>() is "polling" or WebhookMode ? null
                    : "mode must be \"polling\" (getUpdates) or \"webhook\" (Telegram calls webhookUrl)",
                "webhookUrl" => value?.GetValueKind() == JsonValueKind.String && Uri.TryCreate(value.GetValue<string>(), UriKind.Absolute, out var url)
                    && url.Scheme == Uri.UriSchemeHttps && value.GetValue<string>().Length <= 2048 ? null
                    : "webhookUrl must be the https:// URL where Telegram reaches POST /api/channels/telegram/webhook",
                WebhookSecretKey => value?.GetValueKind() == JsonValueKind.String && SecretShape().IsMatch(value.GetValue<string>()) ? null
                    : "webhookSecret must be 1-256 characters A-Z, a-z, 0-9, _ or - (the daemon makes one when you leave it out)",
                _ => $"'{key}' is not a Telegram setting; use botToken, allowFrom, groupMode, streaming, mode or webhookUrl",
            };
            if (problem is not null)
            {
                errors.Add(new ErrorDetail("body", path, problem));
            }
        }
        if (config[ModeKey]?.GetValue<string>() == WebhookMode && errors.Count == 0 && config["webhookUrl"] is null)
        {
            errors.Add(new ErrorDetail("body", "config.webhookUrl", "mode webhook needs config.webhookUrl: the https:// URL Telegram should call"));
        }
        if (dmPolicy == DmPolicies.Allowlist && errors.Count == 0 && config["allowFrom"] is not JsonArray { Count: > 0 })
        {
            errors.Add(new ErrorDetail("body", "config.allowFrom", "dmPolicy allowlist needs config.allowFrom: the Telegram user ids that may talk to the bot"));
        }
    }

    private static bool IsId(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.Number => node.AsValue().TryGetValue<long>(out _),
        JsonValueKind.String => long.TryParse(node.GetValue<string>(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _),
        _ => false,
    };

    private static string Id(JsonNode? node) => node!.GetValueKind() == JsonValueKind.Number
        ? node.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture)
        : node.GetValue<string>();

    [GeneratedRegex(@"^[0-9]{3,20}:[A-Za-z0-9_-]{20,100}$")]
    private static partial Regex TokenShape();

    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,256}$")]
    private static partial Regex SecretShape();
}
