using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using OpenMotoko.Skills.Shell;

namespace OpenMotoko.Channels.Plugins;

/// <summary>
/// One run of a plugin's executable: its own process group, only the environment it is given, JSON
/// lines both ways (capped), stderr to the log (bounded, secrets redacted), and sends that wait for
/// the plugin's ack. Disposing closes its stdin, gives it a moment, then kills its group.
/// </summary>
internal sealed class PluginProcess : IAsyncDisposable
{
    private const int MaxStderrLines = 500;
    private const int MaxLogLine = 1000;
    private static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(2);

    private readonly Process _process;
    private readonly string _id;
    private readonly Func<string, string> _redact;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<PluginLine>> _pending = new(StringComparer.Ordinal);
    private long _nextId;
    private int _stopped;

    private PluginProcess(Process process, string id, Func<string, string> redact, TimeProvider time, ILogger logger)
    {
        _process = process;
        _id = id;
        _redact = redact;
        _time = time;
        _logger = logger;
        Stderr = Task.Run(DrainStderrAsync);
    }

    private Task Stderr { get; }

    public static PluginProcess Start(string id, IReadOnlyList<string> argv, string home, IReadOnlyDictionary<string, string> environment,
        Func<string, string> redact, TimeProvider time, ILogger logger)
    {
        var start = ProcessTree.StartInfo(argv);
        start.WorkingDirectory = home;
        start.StandardOutputEncoding = Encoding.UTF8;
        start.Environment.Clear(); // never the daemon's keys: only what the plugin's config declares
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        start.Environment["PATH"] = Executables.SearchPath;
        start.Environment["HOME"] = home;
        start.Environment[ProcessTree.MarkerVariable] = "plugin-" + id + "-" + Guid.NewGuid().ToString("N");
        var process = Process.Start(start) ?? throw new InvalidOperationException("the plugin did not start");
        return new PluginProcess(process, id, redact, time, logger);
    }

    public Task ExitedAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>How the run ended, once <see cref="StopAsync"/> returned.</summary>
    public string ExitDescription { get; private set; } = "still running";

    /// <summary>Reads the plugin's lines until it closes stdout; acks complete their sends here, the rest go to <paramref name="onLine"/>.</summary>
    public async Task ReadAsync(Func<PluginLine, Task> onLine, CancellationToken cancellationToken)
    {
        var reader = new LineReader(_process.StandardOutput.BaseStream, PluginProtocol.MaxLineBytes);
        while (await reader.ReadAsync(cancellationToken) is { } next)
        {
            var (text, tooLong) = next;
            if (tooLong)
            {
                PluginsLog.BadLine(_logger, _id, $"a line longer than {PluginProtocol.MaxLineBytes} bytes");
                continue;
            }
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }
            PluginLine? line;
            try
            {
                line = JsonSerializer.Deserialize(text, PluginWireJsonContext.Default.PluginLine);
            }
            catch (JsonException ex)
            {
                PluginsLog.BadLine(_logger, _id, "not a JSON object of the protocol: " + ex.Message);
                continue;
            }
            if (line?.ReplyTo is { } replyTo)
            {
                if (_pending.TryRemove(replyTo, out var waiting))
                {
                    waiting.TrySetResult(line);
                }
            }
            else if (line is not null)
            {
                await onLine(line);
            }
        }
        FailPending("the plugin stopped");
    }

    /// <summary>Writes a line that needs no answer (config, typing).</summary>
    public async Task WriteAsync(PluginCommand command, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(command, PluginWireJsonContext.Default.PluginCommand);
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            await _process.StandardInput.WriteAsync(json.AsMemory(), cancellationToken);
            await _process.StandardInput.WriteAsync("\n".AsMemory(), cancellationToken);
            await _process.StandardInput.FlushAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            throw new PluginSendException("the plugin is not reading its input: " + ex.Message);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Writes a send or edit and waits for the plugin's ack; returns the message id it reported.</summary>
    public async Task<string?> RequestAsync(Func<string, PluginCommand> command, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextId).ToString(CultureInfo.InvariantCulture);
        var ack = new TaskCompletionSource<PluginLine>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = ack;
        try
        {
            await WriteAsync(command(id), cancellationToken);
            var reply = await ack.Task.WaitAsync(AckTimeout, _time, cancellationToken);
            return reply.Ok == true ? reply.MessageId : throw new PluginSendException("the plugin could not send it: " + (reply.Error ?? "no reason given"));
        }
        catch (TimeoutException)
        {
            throw new PluginSendException($"the plugin did not acknowledge within {AckTimeout.TotalSeconds} s");
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private void FailPending(string why)
    {
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var waiting))
            {
                waiting.TrySetException(new PluginSendException(why));
            }
        }
    }

    private async Task DrainStderrAsync()
    {
        var reader = new LineReader(_process.StandardError.BaseStream, 16 * 1024);
        var count = 0;
        while (await reader.ReadAsync(CancellationToken.None) is { } next)
        {
            var text = next.Text;
            if (++count <= MaxStderrLines && text is { Length: > 0 })
            {
                PluginsLog.Stderr(_logger, _id, Redact(text));
            }
            else if (count == MaxStderrLines + 1)
            {
                PluginsLog.Stderr(_logger, _id, $"(more than {MaxStderrLines} lines; the rest of this run's stderr is not logged)");
            }
        }
    }

    public static string Trim(string text) => text.Length <= MaxLogLine ? text : string.Concat(text.AsSpan(0, MaxLogLine), "…");

    /// <summary>A text the plugin wrote, fit for a log line or an event: secrets of its config replaced, length capped.</summary>
    public string Redact(string text) => Trim(_redact(text));

    /// <summary>Closes its input, gives it a moment to exit, then kills its process group; safe to call again.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }
        try
        {
            _process.StandardInput.Close(); // a plugin exits when its input ends
            await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(ExitGrace, _time, CancellationToken.None);
        }
        catch (Exception ex) when (ex is IOException or TimeoutException or InvalidOperationException)
        {
            // it did not stop by itself
        }
        ProcessTree.KillGroup(_process);
        await _process.WaitForExitAsync(CancellationToken.None);
        FailPending("the plugin stopped");
        await Stderr.WaitAsync(ExitGrace, _time, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        ExitDescription = $"exit code {_process.ExitCode}";
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }
}
