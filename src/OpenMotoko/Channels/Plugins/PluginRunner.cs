using System.Text.Json;
using OpenMotoko.Approvals;
using OpenMotoko.Hosting;

namespace OpenMotoko.Channels.Plugins;

/// <summary>
/// Keeps one plugin running: starts it, reads its hello, sends its config, follows its status, and
/// when it exits restarts it after a back-off that doubles from 1 s up to 60 s (on the injected clock),
/// starting again from 1 s once a run lasted longer than that.
/// </summary>
internal sealed class PluginRunner(PluginStore plugins, ChannelStates states, ChatInbox inbox, ChatAccess access, ApprovalBroker approvals,
    DaemonOptions options, TimeProvider time, ILogger<PluginRunner> logger)
{
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(60);
    private const int MaxSchemaChars = 64 * 1024;

    /// <summary>Reads the installed plugins; the supervisor calls it before it starts the channels.</summary>
    public Task LoadAsync(CancellationToken cancellationToken) => plugins.LoadAsync(cancellationToken);

    public string Home(string id) => Path.Combine(options.DataDir, "plugins", id);

    /// <summary>Starts supervising the plugin of <paramref name="settings"/> until <paramref name="stop"/>.</summary>
    public (IChatTransport Channel, Task Loop) Start(ChannelSettings settings, CancellationToken stop)
    {
        var channel = new PluginChannel(settings, inbox, access, approvals);
        return (channel, Task.Run(() => SuperviseAsync(channel, stop), CancellationToken.None));
    }

    private async Task SuperviseAsync(PluginChannel channel, CancellationToken stop)
    {
        var id = channel.Settings.Id;
        var delay = FirstDelay;
        while (!stop.IsCancellationRequested && plugins.Get(id) is { } plugin)
        {
            await states.SetAsync(id, ChannelStatus.Starting);
            var started = time.GetUtcNow();
            string problem;
            try
            {
                problem = await RunOnceAsync(channel, plugin, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
            {
                problem = "it could not be started: " + ex.Message;
            }
            if (stop.IsCancellationRequested)
            {
                return;
            }
            delay = time.GetUtcNow() - started > MaxDelay ? FirstDelay : delay;
            PluginsLog.Exited(logger, id, problem, delay.TotalSeconds);
            var wait = Task.Delay(delay, time, stop); // on the clock before anyone can see the status and move it
            await states.SetAsync(id, ChannelStatus.Error, $"The plugin stopped ({problem}); restarting in {delay.TotalSeconds:0} s.");
            try
            {
                await wait;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
        }
    }

    /// <summary>One run of the child; returns how it ended.</summary>
    private async Task<string> RunOnceAsync(PluginChannel channel, PluginRow plugin, CancellationToken stop)
    {
        var settings = channel.Settings;
        var secrets = PluginConfig.SecretValues(settings.Config, plugin.Schema);
        var home = Home(plugin.Id);
        Directory.CreateDirectory(home);
        await using var process = PluginProcess.Start(plugin.Id, plugin.Argv, home, PluginConfig.Environment(settings.Config),
            line => secrets.Aggregate(line, static (text, secret) => text.Replace(secret, "***", StringComparison.Ordinal)), time, logger);
        var hello = false;
        string? refused = null;
        channel.Process = process;
        try
        {
            using var quit = CancellationTokenSource.CreateLinkedTokenSource(stop);
            await process.ReadAsync(async line =>
            {
                if (!hello && line.Type != "hello")
                {
                    PluginsLog.BadLine(logger, plugin.Id, $"'{line.Type}' before hello");
                }
                else if (line.Type == "hello")
                {
                    refused = await HelloAsync(process, settings, line, quit.Token);
                    hello = refused is null;
                    if (refused is not null)
                    {
                        await quit.CancelAsync();
                    }
                }
                else
                {
                    await OnLineAsync(channel, process, line, quit.Token);
                }
            }, quit.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            stop.ThrowIfCancellationRequested();
        }
        finally
        {
            channel.Process = null;
        }
        await process.StopAsync();
        return refused ?? process.ExitDescription;
    }

    private async Task<string?> HelloAsync(PluginProcess process, ChannelSettings settings, PluginLine hello, CancellationToken cancellationToken)
    {
        if (hello.Protocol != PluginProtocol.Version)
        {
            return $"it speaks protocol {hello.Protocol?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"}; this daemon speaks {PluginProtocol.Version}";
        }
        var name = hello.Name is { Length: > 0 and <= 100 } given ? given : settings.Id;
        var version = hello.Version is { Length: <= 100 } v ? v : null;
        var schema = hello.ConfigSchema?.ToJsonString() is { Length: <= MaxSchemaChars } json ? json : null;
        await plugins.SaveHelloAsync(settings.Id, name, version, schema, cancellationToken);
        PluginsLog.Started(logger, settings.Id, name, version, PluginProtocol.Version);
        await process.WriteAsync(new PluginConfigLine(PluginProtocol.Version, settings.Id, PluginConfig.ForPlugin(settings.Config)), cancellationToken);
        return null;
    }

    private async Task OnLineAsync(PluginChannel channel, PluginProcess process, PluginLine line, CancellationToken stopping)
    {
        var id = channel.Settings.Id;
        var problem = line.Type switch
        {
            "inbound" => channel.Receive(line, stopping),
            "callback" => Press(channel, line, stopping),
            "status" => await StatusAsync(id, process, line),
            "log" => Log(id, process, line),
            _ => $"unknown type '{line.Type}'",
        };
        if (problem is not null)
        {
            PluginsLog.BadLine(logger, id, problem);
        }
    }

    /// <summary>Answers a button press off the read loop: its reply waits for an ack that the loop reads.</summary>
    private string? Press(PluginChannel channel, PluginLine line, CancellationToken stopping)
    {
        _ = Task.Run(async () =>
        {
            try
            {
                if (await channel.PressAsync(line, stopping) is { } problem)
                {
                    PluginsLog.BadLine(logger, channel.Settings.Id, problem);
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException)
            {
                PluginsLog.BadLine(logger, channel.Settings.Id, "the answer to a button press was not sent: " + ex.Message);
            }
        }, CancellationToken.None);
        return null;
    }

    private async Task<string?> StatusAsync(string id, PluginProcess process, PluginLine line)
    {
        var error = line.Error is { } text ? process.Redact(text) : null;
        switch (line.State)
        {
            case ChannelStatus.Running or ChannelStatus.Starting:
                await states.SetAsync(id, line.State);
                return null;
            case ChannelStatus.Error:
                await states.SetAsync(id, ChannelStatus.Error, error ?? "the plugin reported an error");
                return null;
            default:
                return "status needs a state of starting, running or error";
        }
    }

    private string? Log(string id, PluginProcess process, PluginLine line)
    {
        PluginsLog.Said(logger, id, line.Level is "debug" or "info" or "warn" or "error" ? line.Level : "info", process.Redact(line.Message ?? ""));
        return null;
    }
}
