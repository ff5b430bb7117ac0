using System.Collections.Concurrent;
using OpenMotoko.Approvals;
using OpenMotoko.Channels.Telegram;
using OpenMotoko.Hosting;

namespace OpenMotoko.Channels;

/// <summary>
/// Starts each enabled, configured channel at start-up and restarts one channel alone when its
/// settings change (never the daemon); stops them all on shutdown.
/// </summary>
internal sealed class ChannelSupervisor(
    ChannelCatalog catalog, ChannelStore store, ChannelStates states, ChatInbox inbox, ChatAccess access, ApprovalBroker approvals,
    IHttpClientFactory http, EnvironmentSnapshot environment, TimeProvider time, ILogger<ChannelSupervisor> logger) : IHostedService
{
    public const string HttpClientName = "telegram";

    private readonly ConcurrentDictionary<string, Running> _running = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);

    private sealed record Running(TelegramChannel Channel, CancellationTokenSource Stop, Task Loop);

    /// <summary>The running transport of a channel, or null when it is stopped.</summary>
    public IChatTransport? Transport(string channelId) => _running.GetValueOrDefault(channelId)?.Channel;

    /// <summary>How many channels run now (systemd's STATUS= line).</summary>
    public int RunningCount => _running.Count;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
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
            await StopOneAsync(id);
            var settings = await catalog.GetAsync(id, cancellationToken);
            if (settings is null || !settings.Enabled || !settings.Configured)
            {
                await states.SetAsync(id, ChannelStatus.Stopped, settings is { Enabled: true, Configured: false }
                    ? "No bot token: set TELEGRAM_BOT_TOKEN or PUT /api/channels/telegram {\"config\": {\"botToken\": \"...\"}}." : null);
                return;
            }
            await states.SetAsync(id, ChannelStatus.Starting);
            var baseUrl = (environment.Get(TelegramConfig.BaseUrlVariable) ?? TelegramConfig.DefaultBaseUrl).TrimEnd('/');
            var client = new TelegramClient(http.CreateClient(HttpClientName), baseUrl, settings.Telegram.BotToken!, time);
            var channel = new TelegramChannel(settings, client, inbox, access, approvals, logger);
            var poller = new TelegramPoller(channel, client, store, states, time, logger);
            var stop = new CancellationTokenSource();
            _running[id] = new Running(channel, stop, Task.Run(() => poller.RunAsync(stop.Token), CancellationToken.None));
        }
        finally
        {
            _gate.Release();
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
