namespace OpenMotoko.Channels.Telegram;

/// <summary>
/// Long-polls getUpdates (timeout 30 s) and keeps doing so: the offset is stored after each batch
/// is handed over, so a restart neither loses nor repeats an update; 429 waits <c>retry_after</c>;
/// network failures and 409 (another instance polling) back off up to <see cref="MaxBackoff"/> and
/// retry forever; a watchdog abandons a poll that makes no progress for twice the poll timeout;
/// 401/404 (a revoked or wrong token) set the error and stop until the config changes. All waits
/// are on the injected clock.
/// </summary>
internal sealed class TelegramPoller(TelegramChannel channel, TelegramClient client, ChannelStore store, ChannelStates states, TimeProvider time, ILogger logger)
{
    public const int PollTimeoutSeconds = 30;
    public static readonly TimeSpan Watchdog = TimeSpan.FromSeconds(2 * PollTimeoutSeconds);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(60);

    public async Task RunAsync(CancellationToken stopping)
    {
        var id = channel.Settings.Id;
        var offset = (await store.GetAsync(id, stopping))?.PollOffset ?? 0;
        var failures = 0;
        while (!stopping.IsCancellationRequested)
        {
            using var watchdog = new CancellationTokenSource(Watchdog, time);
            using var call = CancellationTokenSource.CreateLinkedTokenSource(stopping, watchdog.Token);
            TimeSpan wait;
            try
            {
                if (channel.Me is null)
                {
                    channel.Me = await client.GetMeAsync(call.Token);
                    ChannelsLog.Started(logger, id, channel.Me.Username ?? channel.Me.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
                var updates = await client.GetUpdatesAsync(offset, PollTimeoutSeconds, call.Token);
                failures = 0;
                await states.SetAsync(id, ChannelStatus.Running);
                foreach (var update in updates.OrderBy(u => u.UpdateId))
                {
                    if (update.UpdateId < offset)
                    {
                        continue; // already handled before a restart
                    }
                    await channel.DispatchAsync(update, stopping);
                    offset = update.UpdateId + 1;
                }
                if (updates.Length > 0)
                {
                    await store.SaveOffsetAsync(id, channel.Settings.Type, channel.Settings.Name, offset, CancellationToken.None);
                }
                continue;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (OperationCanceledException) when (watchdog.IsCancellationRequested)
            {
                ChannelsLog.Stalled(logger, id, Watchdog.TotalSeconds);
                continue; // a stalled long poll: ask again at once
            }
            catch (TelegramApiException ex) when (ex.TokenRejected)
            {
                var problem = $"Telegram rejected the bot token ({ex.ErrorCode}: {ex.Description}). Get a valid token from @BotFather and set it " +
                              "with PUT /api/channels/telegram {\"config\": {\"botToken\": \"...\"}} or TELEGRAM_BOT_TOKEN; polling stays stopped until then.";
                ChannelsLog.StoppedOnError(logger, id, problem);
                await states.SetAsync(id, ChannelStatus.Error, problem);
                return;
            }
            catch (TelegramApiException ex) when (ex.ErrorCode == 429)
            {
                wait = TimeSpan.FromSeconds(Math.Clamp(ex.RetryAfter ?? 1, 1, 3600));
                ChannelsLog.PollFailed(logger, id, "rate limited by Telegram (429)", wait.TotalSeconds);
            }
            catch (TelegramApiException ex) when (ex.ErrorCode == 409)
            {
                wait = Backoff(++failures);
                await states.SetAsync(id, ChannelStatus.Error,
                    $"Another program is getting this bot's updates (409: {ex.Description}). Stop the other instance or delete its webhook; retrying.");
                ChannelsLog.PollFailed(logger, id, "409 Conflict", wait.TotalSeconds);
            }
            catch (Exception ex) when (ex is HttpRequestException or TelegramApiException or OperationCanceledException)
            {
                wait = Backoff(++failures);
                var problem = ex is OperationCanceledException ? "Telegram did not answer in time" : ex.Message;
                await states.SetAsync(id, ChannelStatus.Error, $"{problem} (retrying in {wait.TotalSeconds:0} s)");
                ChannelsLog.PollFailed(logger, id, problem, wait.TotalSeconds);
            }
            try
            {
                await Task.Delay(wait, time, stopping);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>1, 2, 4, ... seconds, capped at <see cref="MaxBackoff"/>.</summary>
    public static TimeSpan Backoff(int failures) =>
        TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, Math.Min(failures - 1, 10))));
}
