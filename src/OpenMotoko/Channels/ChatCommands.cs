using System.Globalization;
using OpenMotoko.Agent;
using OpenMotoko.Conversations;
using OpenMotoko.Hosting;
using OpenMotoko.Providers;

namespace OpenMotoko.Channels;

/// <summary>
/// The chat commands the daemon answers itself, without the model: /new, /model NAME, /cost,
/// /status, /stop and /help (also in the form /help@BotName that groups use).
/// </summary>
internal sealed class ChatCommands(ConversationStore conversations, ChannelStore channels, ModelSelector models, AgentRuns runs,
    ChannelStates states, ChatTurns turns)
{
    public const string Help =
        "Commands:\n/new — start a new conversation\n/model NAME — answer with another model (/model alone shows the current one)\n" +
        "/cost — what this conversation has cost\n/status — what the agent is doing\n/stop — stop the answer in progress\n/help — this list";

    /// <summary>Commands answered at once, not after the chat's queued messages.</summary>
    public static bool SkipsQueue(string? text) => Parse(text).Name is "/stop" or "/status";

    public async Task<bool> TryHandleAsync(IChatTransport transport, ChatInbound inbound, CancellationToken cancellationToken)
    {
        var (name, argument) = Parse(inbound.Text);
        var channel = transport.Settings.Id;
        var reply = name switch
        {
            "/start" or "/help" => Help,
            "/new" => await channels.DetachChatAsync(channel, inbound.ChatId, cancellationToken)
                ? "Started a new conversation. The previous one stays in your history." : "This is already a new conversation.",
            "/model" => await ModelAsync(channel, inbound.ChatId, argument, cancellationToken),
            "/cost" => await CostAsync(channel, inbound.ChatId, cancellationToken),
            "/status" => await StatusAsync(channel, inbound.ChatId, cancellationToken),
            "/stop" => await channels.ConversationOfAsync(channel, inbound.ChatId, cancellationToken) is { } id && runs.Running.Any(r => r.ConversationId == id)
                ? Stop(id) : "Nothing is running.",
            _ => null,
        };
        if (reply is null)
        {
            return false;
        }
        await turns.ReplyAsync(transport, inbound.ChatId, null, reply, cancellationToken);
        return true;
    }

    private string Stop(string conversationId)
    {
        runs.CancelConversation(conversationId);
        return "Stopping the answer in progress.";
    }

    private async Task<string> ModelAsync(string channel, string chatId, string? model, CancellationToken cancellationToken)
    {
        var conversation = await conversations.ForChatAsync(channel, chatId, cancellationToken);
        if (model is null)
        {
            return $"This conversation uses {conversation.Model ?? "the default model"}. Change it with /model NAME (e.g. /model fast).";
        }
        try
        {
            var choice = models.Resolve(model);
            await conversations.UpdateAsync(conversation with { Model = model }, cancellationToken);
            return $"This conversation now uses {model} ({choice.Qualified}).";
        }
        catch (ApiException ex)
        {
            return $"⚠️ {ex.Message}";
        }
    }

    private async Task<string> CostAsync(string channel, string chatId, CancellationToken cancellationToken)
    {
        if (await channels.ConversationOfAsync(channel, chatId, cancellationToken) is not { } id)
        {
            return "This conversation has cost nothing yet.";
        }
        var messages = await conversations.MessagesAsync(id, cancellationToken);
        var cost = messages.Sum(m => m.Cost);
        return string.Create(CultureInfo.InvariantCulture,
            $"This conversation: ${cost:0.0000} for {messages.Sum(m => m.InputTokens)} input and {messages.Sum(m => m.OutputTokens)} output tokens.");
    }

    private async Task<string> StatusAsync(string channel, string chatId, CancellationToken cancellationToken)
    {
        var state = states.Of(channel).Status;
        if (await channels.ConversationOfAsync(channel, chatId, cancellationToken) is not { } id
            || await conversations.GetAsync(id, cancellationToken) is not { } conversation)
        {
            return $"Channel {channel} is {state}. No conversation yet: send a message to start one.";
        }
        var busy = runs.Running.Any(r => r.ConversationId == id);
        return $"Channel {channel} is {state}. Model: {conversation.Model ?? "default"}. " +
               (busy ? "The agent is answering (send /stop to stop it)." : "The agent is idle.");
    }

    private static (string? Name, string? Argument) Parse(string? text)
    {
        if (text is not { Length: > 1 } || text[0] != '/')
        {
            return (null, null);
        }
        var trimmed = text.Trim();
        var space = trimmed.IndexOfAny([' ', '\n']);
        var name = space < 0 ? trimmed : trimmed[..space];
        var at = name.IndexOf('@', StringComparison.Ordinal);
        name = (at < 0 ? name : name[..at]).ToLowerInvariant();
        var argument = space < 0 ? null : trimmed[(space + 1)..].Trim();
        return (name, argument is { Length: > 0 } ? argument : null);
    }
}
