using OpenMotoko.Agent;
using OpenMotoko.Conversations;
using OpenMotoko.Hosting;
using OpenMotoko.Providers;

namespace OpenMotoko.Webhooks;

/// <summary>
/// Starts the run of a webhook or a Gmail push through the turn service. With a target conversation
/// the run goes there; when that conversation is busy answering (or was deleted), the trigger is not
/// dropped: it gets a new conversation of its own, as it does when no target is set.
/// </summary>
internal sealed partial class WebhookTurns(TurnService turns, ConversationStore conversations, ModelSelector selector, Channels.ChannelDelivery delivery,
    ILogger<WebhookTurns> logger)
{
    /// <summary>Starts the run; with <paramref name="deliverTo"/> its answer also goes to that chat once it is done.</summary>
    public async Task<AgentRun> StartAsync(string title, string? targetConversationId, string? model, string content, CancellationToken cancellationToken,
        Channels.DeliveryTarget? deliverTo = null)
    {
        var run = await StartRunAsync(title, targetConversationId, model, content, cancellationToken);
        if (deliverTo is not null)
        {
            _ = DeliverWhenDoneAsync(run, title, deliverTo); // the trigger answers 202 now; the answer follows the run
        }
        return run;
    }

    private async Task DeliverWhenDoneAsync(AgentRun run, string title, Channels.DeliveryTarget target)
    {
        try
        {
            var outcome = await run.Completion;
            var text = outcome.Failure is { } failure ? $"⚠️ {title}: the run failed: {failure.Message}" : outcome.Message?.Content ?? "";
            if (await delivery.TryDeliverAsync(target, text, CancellationToken.None) is { } why)
            {
                Undelivered(logger, title, why);
            }
        }
        catch (Exception ex)
        {
            Undelivered(logger, title, ex.Message); // a background task: nothing above it would see the failure
        }
    }

    private async Task<AgentRun> StartRunAsync(string title, string? targetConversationId, string? model, string content, CancellationToken cancellationToken)
    {
        if (targetConversationId is not null)
        {
            try
            {
                return await turns.StartAsync(new InboundMessage(TurnSources.Webhook, content, targetConversationId, Model: model), cancellationToken);
            }
            catch (ApiException ex) when (ex.StatusCode is StatusCodes.Status409Conflict or StatusCodes.Status404NotFound)
            {
                TargetUnavailable(logger, title, ex.StatusCode == StatusCodes.Status409Conflict ? "busy answering" : "deleted");
            }
        }
        try
        {
            selector.Resolve(model); // a model that cannot run refuses the trigger before a conversation is made for it
        }
        catch (ApiException ex) when (ex.Code == ErrorCodes.Validation)
        {
            throw ApiException.Validation("body", "model", ex.Message);
        }
        var conversation = await conversations.CreateAsync(title, null, null, null, cancellationToken);
        return await turns.StartAsync(new InboundMessage(TurnSources.Webhook, content, conversation.Id, Model: model), cancellationToken);
    }

    [LoggerMessage(EventId = 1201, EventName = "WebhookTargetUnavailable", Level = LogLevel.Information,
        Message = "{Title}: the target conversation is {Reason}, so this trigger runs in a new conversation")]
    private static partial void TargetUnavailable(ILogger logger, string title, string reason);

    [LoggerMessage(EventId = 1203, EventName = "WebhookUndelivered", Level = LogLevel.Warning, Message = "{Title}: {Reason}")]
    private static partial void Undelivered(ILogger logger, string title, string reason);
}
