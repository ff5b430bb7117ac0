using Microsoft.AspNetCore.Hosting.Server;
using Dapper;
using OpenMotoko.Channels;
using OpenMotoko.Scheduler;
using OpenMotoko.Storage;

namespace OpenMotoko.Hosting;

/// <summary>
/// Tells systemd (Type=notify) how the daemon is: READY=1 once it listens, WATCHDOG=1 every half
/// WatchdogSec while the database answers and the scheduler loop runs, STATUS= lines, STOPPING=1.
/// Without NOTIFY_SOCKET it does nothing.
/// </summary>
internal sealed partial class ServiceWatchdog(
    EnvironmentSnapshot environment, IHostApplicationLifetime lifetime, IServer server, Database database, SchedulerLoop scheduler,
    ChannelSupervisor channels, TimeProvider time, ILogger<ServiceWatchdog> logger) : BackgroundService
{
    private SystemdNotify? _notify;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (SystemdNotify.FromEnvironment(environment) is not { } notify)
        {
            return;
        }
        _notify = notify;
        if (!await WaitStartedAsync(stoppingToken))
        {
            return;
        }
        lifetime.ApplicationStopping.Register(() => notify.Send("STOPPING=1\nSTATUS=stopping"));
        notify.Send($"READY=1\nSTATUS={Status()}");
        Log.Ready(logger, notify.Address);
        if (SystemdNotify.WatchdogInterval(environment) is not { } interval)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var problem = await ProblemAsync(stoppingToken);
            if (problem is null)
            {
                notify.Send($"WATCHDOG=1\nSTATUS={Status()}");
            }
            else
            {
                // No ping: systemd restarts the daemon once WatchdogSec passes without one.
                notify.Send($"STATUS=unhealthy: {problem}");
                Log.Unhealthy(logger, problem);
            }
        }
    }

    public override void Dispose()
    {
        _notify?.Dispose();
        base.Dispose();
    }

    /// <summary>Why the daemon should not say it is alive, or null: a cheap query and the scheduler's loop.</summary>
    private async Task<string?> ProblemAsync(CancellationToken cancellationToken)
    {
        if (scheduler.ExecuteTask is { IsCompleted: true })
        {
            return "the scheduler loop has stopped";
        }
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            return await connection.ExecuteScalarAsync<long>("SELECT 1") == 1 ? null : "the database did not answer";
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or IOException or InvalidOperationException)
        {
            return $"the database did not answer: {ex.Message}";
        }
    }

    private string Status()
    {
        var addresses = server.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses ?? [];
        var running = channels.RunningCount;
        return $"serving on {string.Join(", ", addresses)}, {running} channel{(running == 1 ? "" : "s")} running";
    }

    private async Task<bool> WaitStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var stopping = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        try
        {
            await started.Task;
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1650, EventName = "SystemdReady", Level = LogLevel.Debug, Message = "Told systemd the daemon is ready ({Socket})")]
        public static partial void Ready(ILogger logger, string socket);

        [LoggerMessage(EventId = 1651, EventName = "WatchdogWithheld", Level = LogLevel.Warning, Message = "Not pinging the systemd watchdog: {Problem}")]
        public static partial void Unhealthy(ILogger logger, string problem);
    }
}

internal static class ServiceWatchdogServices
{
    /// <summary>systemd's readiness and watchdog protocol; idle unless systemd started the daemon with NOTIFY_SOCKET.</summary>
    public static IServiceCollection AddServiceWatchdog(this IServiceCollection services) =>
        services.AddHostedService<ServiceWatchdog>();
}
