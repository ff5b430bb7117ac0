using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using OpenMotoko.Agent;
using OpenMotoko.Events;
using OpenMotoko.Hosting;
using OpenMotoko.Settings;

namespace OpenMotoko.Webhooks.Gmail;

/// <summary>
/// Handles queued Gmail notifications one at a time, off the request: reads the new messages when
/// the OAuth settings are there, builds the prompt (outside text fenced) and starts the run in
/// gmail.conversationId or a new conversation (its answer also sent to gmail.deliverTo's chat when set),
/// then publishes <c>gmail:received</c>.
/// </summary>
internal sealed class GmailWorker(GmailClient client, WebhookTurns turns, SettingsStore settings, EventBus bus, ILogger<GmailWorker> logger)
    : BackgroundService
{
    private readonly Channel<GmailPush> _queue = Channel.CreateBounded<GmailPush>(new BoundedChannelOptions(100) { SingleReader = true });

    public bool TryQueue(GmailPush push) => _queue.Writer.TryWrite(push);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var push in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await HandleAsync(push, stoppingToken);
            }
            catch (Exception ex) when (ex is ApiException or GmailException or HttpRequestException or JsonException ||
                                       (ex is OperationCanceledException && !stoppingToken.IsCancellationRequested))
            {
                WebhooksLog.GmailFailed(logger, push.HistoryId.ToString(CultureInfo.InvariantCulture), ex.Message);
            }
        }
    }

    private async Task HandleAsync(GmailPush push, CancellationToken cancellationToken)
    {
        IReadOnlyList<GmailMessageSummary>? messages = null;
        if (client.Configured)
        {
            try
            {
                messages = await client.ReadNewAsync(push, cancellationToken);
            }
            catch (Exception ex) when (ex is GmailException or HttpRequestException or JsonException ||
                                       (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                WebhooksLog.GmailReadFailed(logger, ex.Message);
            }
        }
        var content = GmailPrompt.Render(settings.GetString(SettingsCatalog.GmailPrompt), push, messages, client.Configured);
        var deliverTo = settings.Get(SettingsCatalog.GmailDeliverTo) is { } target ? Channels.DeliveryTarget.Parse(target) : null;
        var run = await turns.StartAsync($"Gmail: {push.EmailAddress}", settings.GetString(SettingsCatalog.GmailConversationId), null, content, cancellationToken,
            deliverTo);
        await bus.PublishAsync(new GmailReceived(new EventScope(run.Id, run.ConversationId, TurnSources.Webhook),
            push.EmailAddress, push.HistoryId.ToString(CultureInfo.InvariantCulture), push.MessageId, messages?.Count ?? 0));
    }
}
