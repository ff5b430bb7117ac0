using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace OpenMotoko.Tests.Storage;

/// <summary>The real daemon as a child process (`dotnet openmotoko.dll serve`), for signals and crashes.</summary>
internal sealed partial class DaemonProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DaemonProcess(Process process) => _process = process;

    public Uri BaseAddress { get; private set; } = null!;
    public int Id => _process.Id;

    /// <summary>Everything the daemon wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static string DaemonDll
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "openmotoko.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("openmotoko.dll is not beside the test assembly", path);
        }
    }

    /// <param name="launcher">A program and its arguments that start dotnet, e.g. setpriv to run it as another user.</param>
    public static async Task<DaemonProcess> StartAsync(string dataDir, IReadOnlyDictionary<string, string> environment, string[]? launcher = null)
    {
        var start = new ProcessStartInfo(launcher?[0] ?? "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (launcher?[1..] ?? []).Concat([DaemonDll, "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", dataDir]))
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("OPENMOTOKO_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        var daemon = new DaemonProcess(Process.Start(start)!);
        daemon._process.OutputDataReceived += (_, e) => daemon.OnLine(e.Data);
        daemon._process.ErrorDataReceived += (_, e) => daemon.OnLine(e.Data);
        daemon._process.BeginOutputReadLine();
        daemon._process.BeginErrorReadLine();
        var exited = daemon._process.WaitForExitAsync();
        var first = await Task.WhenAny(daemon._listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != daemon._listening.Task)
        {
            await daemon.DisposeAsync();
            throw new InvalidOperationException($"The daemon did not start:\n{daemon.Output}");
        }
        daemon.BaseAddress = await daemon._listening.Task;
        return daemon;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    /// <summary>Sends a POSIX signal (TERM, KILL, ...) with kill(1).</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start("kill", ["-" + name, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        _process.WaitForExit(); // drains the redirected streams
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    [GeneratedRegex(@"listening on (http://\S+?)(,|$)")]
    private static partial Regex ListeningLine();
}
