using OpenMotoko.Conversations;
using OpenMotoko.Hosting;
using OpenMotoko.Providers;

namespace OpenMotoko.Agent;

/// <summary>A chat of a channel: the channel's id (telegram, a plugin) and the chat's id there.</summary>
internal sealed record ChatAddress(string Channel, string ChatId);

/// <summary>
/// A message that should start a turn, from any source: the HTTP API, a chat channel, the scheduler,
/// a webhook, a parent agent. It names a conversation by id, or a chat whose conversation is found
/// or created. <see cref="Model"/> overrides the conversation's model for this turn.
/// </summary>
internal sealed record InboundMessage(string Source, string? Content, string? ConversationId = null, ChatAddress? Chat = null, string? Model = null,
    Delegation.AgentLineage? Lineage = null);

/// <summary>The sources a turn can come from; the run's events carry it as their channel.</summary>
internal static class TurnSources
{
    public const string Api = "api";
    public const string Channel = "channel";
    public const string Scheduler = "scheduler";
    public const string Webhook = "webhook";
    public const string Agent = "agent";
}

/// <summary>
/// The one way into the agent: checks an inbound message once (content, conversation, model,
/// provider configured, one run per conversation), resolves the model once into the choice that
/// travels with the run, and starts the run. Every failure is an <see cref="ApiException"/> with the
/// envelope's status, code and details, thrown before anything is stored.
/// </summary>
internal sealed class TurnService(ConversationStore store, ModelSelector selector, AgentRuns runs)
{
    public const int MaxContent = 100_000;
    public const int MaxModel = 200;

    public async Task<AgentRun> StartAsync(InboundMessage message, CancellationToken cancellationToken)
    {
        var errors = new List<ErrorDetail>();
        if (message.Content is not { Length: > 0 } content)
        {
            errors.Add(new ErrorDetail("body", "content", $"content is required: the message text (1 to {MaxContent} characters)"));
            content = "";
        }
        else if (content.Length > MaxContent)
        {
            errors.Add(new ErrorDetail("body", "content", $"content must be 1 to {MaxContent} characters (got {content.Length})"));
        }
        if (message.Model is { Length: > MaxModel } model)
        {
            errors.Add(new ErrorDetail("body", "model", $"model must be at most {MaxModel} characters (got {model.Length})"));
        }
        if (string.IsNullOrWhiteSpace(message.Source) || (message.ConversationId is null) == (message.Chat is null))
        {
            throw new ArgumentException("A turn needs a source and exactly one of a conversation id or a chat.", nameof(message));
        }
        if (errors.Count > 0)
        {
            throw ApiException.Validation(errors);
        }

        var conversation = message.Chat is { } chat
            ? await store.ForChatAsync(chat.Channel, chat.ChatId, cancellationToken)
            : await store.GetAsync(message.ConversationId!, cancellationToken)
              ?? throw new ApiException(StatusCodes.Status404NotFound, ErrorCodes.NotFound, $"No conversation with id '{message.ConversationId}'.");

        var requested = string.IsNullOrWhiteSpace(message.Model) ? conversation.Model : message.Model;
        ModelChoice choice;
        try
        {
            // Refused before anything is stored: an unknown or unconfigured model is the caller's to fix.
            choice = selector.Resolve(requested);
        }
        catch (ApiException ex) when (ex.Code == ErrorCodes.Validation)
        {
            throw ApiException.Validation("body", "model", ex.Message);
        }

        return runs.TryStart(new AgentRequest(conversation, content, choice, requested, message.Source, message.Lineage))
            ?? throw new ApiException(StatusCodes.Status409Conflict, ErrorCodes.Conflict,
                "This conversation is still answering the previous message. Wait for it, or cancel it with DELETE /api/agents/:id.");
    }
}
