using System.Collections.Concurrent;
using OpenMotoko.Approvals;
using OpenMotoko.Channels.Plugins;
using OpenMotoko.Channels.Telegram;
using OpenMotoko.Hosting;

namespace OpenMotoko.Channels;

/// <summary>
/// Starts each enabled, configured channel at start-up and restarts one channel alone when its
/// settings change (never the daemon); stops them all on shutdown.
/// </summary>
internal sealed class ChannelSupervisor(
    ChannelCatalog catalog, ChannelStore store, ChannelStates states, ChatInbox inbox, ChatAccess access, ApprovalBroker approvals,
    PluginRunner plugins, IHttpClientFactory http, EnvironmentSnapshot environment, TimeProvider time, ILogger<ChannelSupervisor> logger) : IHostedService
{
    public const string HttpClientName = "telegram";

    private readonly ConcurrentDictionary<string, Running> _running = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);

    private sealed record Running(IChatTransport Channel, CancellationTokenSource Stop, Task Loop, TelegramWebhook? Webhook);

    /// <summary>The running transport of a channel, or null when it is stopped.</summary>
    public IChatTransport? Transport(string channelId) => _running.GetValueOrDefault(channelId)?.Channel;

    /// <summary>The channel's webhook receiver while it runs in webhook mode, else null.</summary>
    public TelegramWebhook? Webhook(string channelId) => _running.GetValueOrDefault(channelId)?.Webhook;

    /// <summary>How many channels run now (systemd's STATUS= line).</summary>
    public int RunningCount => _running.Count;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await plugins.LoadAsync(cancellationToken);
        foreach (var id in catalog.Ids)
        {
            await RestartAsync(id, cancellationToken);
        }
    }

    /// <summary>Stops the channel and starts it again with its current settings (if enabled and configured).</summary>
    public async Task RestartAsync(string id, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var wasWebhook = _running.GetValueOrDefault(id)?.Webhook is not null;
            await StopOneAsync(id);
            var settings = await catalog.GetAsync(id, cancellationToken);
            if (settings is null || !settings.Enabled || !settings.Configured)
            {
                await states.SetAsync(id, ChannelStatus.Stopped, settings is { Enabled: true, Configured: false }
                    ? "No bot token: set TELEGRAM_BOT_TOKEN or PUT /api/channels/telegram {\"config\": {\"botToken\": \"...\"}}." : null);
                return;
            }
            await states.SetAsync(id, ChannelStatus.Starting);
            var stop = new CancellationTokenSource();
            if (settings.Type == PluginChannel.Type)
            {
                var (transport, loop) = plugins.Start(settings, stop.Token);
                _running[id] = new Running(transport, stop, loop, null);
                return;
            }
            var baseUrl = (environment.Get(TelegramConfig.BaseUrlVariable) ?? TelegramConfig.DefaultBaseUrl).TrimEnd('/');
            var client = new TelegramClient(http.CreateClient(HttpClientName), baseUrl, settings.Telegram.BotToken!, time);
            var channel = new TelegramChannel(settings, client, inbox, access, approvals, logger);
            if (settings.Telegram.UsesWebhook)
            {
                var webhook = new TelegramWebhook(channel, client, store, states, time, logger);
                _running[id] = new Running(channel, stop, Task.Run(() => webhook.RunAsync(stop.Token), CancellationToken.None), webhook);
                return;
            }
            var poller = new TelegramPoller(channel, client, store, states, time, logger);
            _running[id] = new Running(channel, stop, Task.Run(async () =>
            {
                if (wasWebhook)
                {
                    await DeleteWebhookAsync(client, id, stop.Token); // else getUpdates answers 409 while the webhook is set
                }
                await poller.RunAsync(stop.Token);
            }, CancellationToken.None), null);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task DeleteWebhookAsync(TelegramClient client, string id, CancellationToken stopping)
    {
        try
        {
            await client.DeleteWebhookAsync(stopping);
        }
        catch (Exception ex) when (ex is HttpRequestException or TelegramApiException)
        {
            ChannelsLog.SendFailed(logger, id, $"deleteWebhook failed ({ex.Message}); polling reports 409 until the webhook is gone");
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var id in _running.Keys)
        {
            await StopOneAsync(id);
        }
    }

    private async Task StopOneAsync(string id)
    {
        if (!_running.TryRemove(id, out var running))
        {
            return;
        }
        await running.Stop.CancelAsync();
        try
        {
            await running.Loop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException)
        {
            // it was stopping anyway
        }
        running.Stop.Dispose();
        if (states.Of(id).Status != ChannelStatus.Error)
        {
            await states.SetAsync(id, ChannelStatus.Stopped);
        }
    }
}
