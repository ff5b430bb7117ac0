namespace OpenMotoko.Channels.Telegram;

/// <summary>
/// Webhook mode: registers <c>config.webhookUrl</c> with setWebhook and a random secret token (kept in the
/// config as a secret), then Telegram POSTs each update to /api/channels/telegram/webhook. Updates go to the
/// same <see cref="TelegramChannel.DispatchAsync"/> the poller feeds, one at a time, each once: the next
/// expected update id is the stored offset the poller uses, so a restart or a switch between modes neither
/// loses nor repeats an update. Registration failures back off like polling; a rejected token stops it.
/// </summary>
internal sealed class TelegramWebhook(TelegramChannel channel, TelegramClient client, ChannelStore store, ChannelStates states, TimeProvider time, ILogger logger)
{
    private readonly SemaphoreSlim _order = new(1, 1);
    private readonly TaskCompletionSource<long> _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationToken _stopping;
    private long _offset;

    /// <summary>The secret Telegram sends in X-Telegram-Bot-Api-Secret-Token.</summary>
    public string Secret => channel.Settings.Telegram.WebhookSecret!;

    public async Task RunAsync(CancellationToken stopping)
    {
        _stopping = stopping;
        var id = channel.Settings.Id;
        _offset = (await store.GetAsync(id, stopping))?.PollOffset ?? 0;
        _loaded.TrySetResult(_offset);
        var failures = 0;
        while (!stopping.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                channel.Me ??= await client.GetMeAsync(stopping);
                await client.SetWebhookAsync(channel.Settings.Telegram.WebhookUrl!, Secret, stopping);
                ChannelsLog.Started(logger, id, channel.Me.Username ?? channel.Me.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
                await states.SetAsync(id, ChannelStatus.Running);
                await Task.Delay(Timeout.InfiniteTimeSpan, time, stopping); // Telegram calls us from now on
                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (TelegramApiException ex) when (ex.TokenRejected)
            {
                var problem = $"Telegram rejected the bot token ({ex.ErrorCode}: {ex.Description}). Get a valid token from @BotFather and set it " +
                              "with PUT /api/channels/telegram {\"config\": {\"botToken\": \"...\"}} or TELEGRAM_BOT_TOKEN.";
                ChannelsLog.StoppedOnError(logger, id, problem);
                await states.SetAsync(id, ChannelStatus.Error, problem);
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TelegramApiException or OperationCanceledException)
            {
                wait = ex is TelegramApiException { ErrorCode: 429 } limited
                    ? TimeSpan.FromSeconds(Math.Clamp(limited.RetryAfter ?? 1, 1, 3600)) : TelegramPoller.Backoff(++failures);
                var problem = $"setWebhook failed: {ex.Message}";
                await states.SetAsync(id, ChannelStatus.Error, $"{problem} (retrying in {wait.TotalSeconds:0} s)");
                ChannelsLog.PollFailed(logger, id, problem, wait.TotalSeconds);
            }
            try
            {
                await Task.Delay(wait, time, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Hands one pushed update over; false when it was handled before (Telegram redelivers what was not acknowledged).</summary>
    public async Task<bool> ReceiveAsync(TgUpdate update, CancellationToken cancellationToken)
    {
        await _loaded.Task.WaitAsync(cancellationToken);
        await _order.WaitAsync(cancellationToken);
        try
        {
            if (update.UpdateId < _offset)
            {
                return false;
            }
            await channel.DispatchAsync(update, _stopping);
            _offset = update.UpdateId + 1;
            await store.SaveOffsetAsync(channel.Settings.Id, channel.Settings.Type, channel.Settings.Name, _offset, CancellationToken.None);
            return true;
        }
        finally
        {
            _order.Release();
        }
    }
}
