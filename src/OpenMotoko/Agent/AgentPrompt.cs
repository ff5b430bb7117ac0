using OpenMotoko.Conversations;
using OpenMotoko.Settings;

namespace OpenMotoko.Agent;

/// <summary>
/// The system prompt of a run: the conversation's own, else the systemPrompt setting, else the
/// built-in one; then what every <see cref="ISystemPromptContributor"/> adds, each bounded.
/// </summary>
internal sealed class AgentPrompt(SettingsStore settings, IEnumerable<ISystemPromptContributor> contributors, ILogger<AgentPrompt> logger)
{
    public const int MaxContributionChars = 16_000;
    public const int MaxTotalContributionChars = 48_000;

    public const string BuiltIn =
        "You are OpenMotoko, a personal AI assistant running on your owner's own machine. " +
        "Answer clearly and concisely. Use the tools you are offered when they help, and say so when a tool fails " +
        "instead of guessing its result. Never reveal secrets such as API keys or passwords.";

    public async Task<string> BuildAsync(Conversation conversation, string userMessage, CancellationToken cancellationToken)
    {
        var prompt = FirstNonBlank(conversation.SystemPrompt, settings.GetString(SettingsCatalog.SystemPrompt)) ?? BuiltIn;
        var builder = new System.Text.StringBuilder(prompt);
        var budget = MaxTotalContributionChars;
        foreach (var contributor in contributors)
        {
            string? text;
            try
            {
                text = await contributor.ContributeAsync(conversation.Id, userMessage, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                AgentLog.ContributorFailed(logger, contributor.GetType().Name, ex);
                continue;
            }
            if (string.IsNullOrWhiteSpace(text) || budget <= 0)
            {
                continue;
            }
            text = text.Trim();
            var allowed = Math.Min(Math.Min(MaxContributionChars, budget), text.Length);
            builder.Append("\n\n").Append(text, 0, allowed);
            budget -= allowed;
        }
        return builder.ToString();
    }

    private static string? FirstNonBlank(params string?[] candidates) => candidates.FirstOrDefault(c => !string.IsNullOrWhiteSpace(c));
}
