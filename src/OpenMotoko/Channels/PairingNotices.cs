using OpenMotoko.Storage;

namespace OpenMotoko.Channels;

/// <summary>
/// Tells each newly approved sender in their chat that they may talk now, once, whoever approved them:
/// the API (which calls <see cref="AnnounceAsync"/> at once) or `openmotoko pairing approve` in another
/// process (noticed by the database watcher within a poll). Approvals are found by their approved_at
/// mark, so the clocks of the two processes need not agree.
/// </summary>
internal sealed partial class PairingNotices(
    SenderStore senders, ChannelSupervisor supervisor, ChatTurns turns, DataVersionWatcher watcher, ILogger<PairingNotices> logger) : IHostedService
{
    public const string Notice = "You're approved: send your message again and I'll answer.";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly HashSet<(string Channel, string Sender, long At)> _told = [];
    private long _since = long.MaxValue;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Approvals from before this start are not announced again.
        var known = await senders.ApprovedSinceAsync(0, cancellationToken);
        _since = known.Count == 0 ? 0 : known.Max(s => s.ApprovedAt ?? 0);
        foreach (var sender in known.Where(s => s.ApprovedAt == _since))
        {
            _told.Add((sender.ChannelId, sender.SenderId, _since));
        }
        watcher.Changed += OnDatabaseChanged;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        watcher.Changed -= OnDatabaseChanged;
        return Task.CompletedTask;
    }

    private void OnDatabaseChanged() => _ = AnnounceQuietlyAsync();

    private async Task AnnounceQuietlyAsync()
    {
        try
        {
            await AnnounceAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or InvalidOperationException or Microsoft.Data.Sqlite.SqliteException)
        {
            NoticeFailed(logger, ex.Message);
        }
    }

    /// <summary>Sends the notice to every sender approved since the last look who has not had it.</summary>
    public async Task AnnounceAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            foreach (var sender in await senders.ApprovedSinceAsync(_since, cancellationToken))
            {
                if (sender.ApprovedAt > _since)
                {
                    _since = sender.ApprovedAt.Value;
                }
                if (_told.Add((sender.ChannelId, sender.SenderId, sender.ApprovedAt ?? 0)) && supervisor.Transport(sender.ChannelId) is { } transport)
                {
                    await turns.ReplyAsync(transport, sender.ChatId, null, Notice, CancellationToken.None);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    [LoggerMessage(EventId = 5008, EventName = "PairingNoticeFailed", Level = LogLevel.Warning, Message = "Telling an approved sender that they may talk failed: {Problem}")]
    private static partial void NoticeFailed(ILogger logger, string problem);
}
