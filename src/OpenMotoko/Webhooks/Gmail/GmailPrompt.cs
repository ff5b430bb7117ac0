using System.Globalization;
using System.Text;

namespace OpenMotoko.Webhooks.Gmail;

/// <summary>The message a Gmail notification gives the agent: the owner's instruction, then the notification and the new e-mails, fenced.</summary>
internal static class GmailPrompt
{
    public const string Default =
        "New e-mail arrived. Summarise it for the owner in a few lines: who wrote, about what, and whether anything needs an answer or action.";

    private const int MaxFenced = 60_000;

    public static string Render(string? instruction, GmailPush push, IReadOnlyList<GmailMessageSummary>? messages, bool canRead)
    {
        var data = new StringBuilder();
        data.Append(CultureInfo.InvariantCulture, $"Mailbox: {push.EmailAddress} (history id {push.HistoryId})\n");
        foreach (var message in messages ?? [])
        {
            data.Append(CultureInfo.InvariantCulture,
                $"\nFrom: {message.From}\nSubject: {message.Subject}\nDate: {message.Date}\nSnippet: {message.Snippet}\n");
        }
        var text = data.ToString();
        var fence = UntrustedFence.For(text);
        var note = messages switch
        {
            { Count: > 0 } => $"The {messages.Count} new message(s), as Gmail reports them:",
            not null => "Gmail listed no new message for this notification:",
            null when canRead => "The new messages could not be read from Gmail this time; only the notification is known:",
            null => "Only the notification is known (no Gmail API credentials are set to read the messages):",
        };
        return $"[Gmail] {fence.Rule}\n\n{(string.IsNullOrWhiteSpace(instruction) ? Default : instruction)}\n\n{note}\n{fence.Wrap(text, MaxFenced)}";
    }
}
