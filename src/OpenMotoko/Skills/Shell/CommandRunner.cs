using System.Diagnostics;

namespace OpenMotoko.Skills.Shell;

/// <summary>
/// Runs one command with a scrubbed environment, a timeout and capped output, and kills its whole
/// process group and everything else carrying its marker when it ends, times out or is cancelled, so
/// nothing it started outlives it.
/// </summary>
internal sealed class CommandRunner(TimeProvider time)
{
    private static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(2);

    public async Task<CommandResult> RunAsync(IReadOnlyList<string> argv, string cwd, IReadOnlyDictionary<string, string> environment,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = ProcessTree.StartInfo(argv);
        start.WorkingDirectory = cwd;
        start.Environment.Clear();
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        var marker = Guid.NewGuid().ToString("N");
        start.Environment[ProcessTree.MarkerVariable] = marker;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("the process did not start");
        process.StandardInput.Close();
        var stdout = new CappedOutput();
        var stderr = new CappedOutput();
        using var stopReading = new CancellationTokenSource();
        var drains = Task.WhenAll(
            stdout.DrainAsync(process.StandardOutput.BaseStream, stopReading.Token),
            stderr.DrainAsync(process.StandardError.BaseStream, stopReading.Token));

        using var timeoutSource = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeoutSource.Token, cancellationToken);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(linked.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = !cancellationToken.IsCancellationRequested;
        }
        // Whatever it left running in its group (background jobs, a killed parent's children) goes too,
        // and whatever left the group (setsid, a double fork) before it holds the pipes open.
        ProcessTree.KillGroup(process);
        ProcessTree.Sweep(marker);
        try
        {
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(DrainGrace, time, CancellationToken.None);
            await drains.WaitAsync(DrainGrace, time, CancellationToken.None);
        }
        catch (TimeoutException)
        {
            // something that left the group still holds the pipes; stop waiting for it
            await stopReading.CancelAsync();
        }
        cancellationToken.ThrowIfCancellationRequested();
        return new CommandResult(timedOut || !process.HasExited ? -1 : process.ExitCode, stdout.ToString(), stderr.ToString(), timedOut);
    }
}
