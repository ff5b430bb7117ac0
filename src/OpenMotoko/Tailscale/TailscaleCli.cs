using System.Diagnostics;
using OpenMotoko.Hosting;
using OpenMotoko.Skills.Shell;

namespace OpenMotoko.Tailscale;

internal sealed record CliOutcome(int ExitCode, string Output, string Error);

/// <summary>
/// Runs the `tailscale` CLI (TAILSCALE_CLI, else `tailscale` on the daemon's PATH) without a shell and
/// with a timeout; a missing CLI or a hung one is a 503 naming what to do.
/// </summary>
internal sealed class TailscaleCli(EnvironmentSnapshot environment)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>The CLI's full path, or null when it is not installed here.</summary>
    public string? Path => environment.Get("TAILSCALE_CLI") is { } configured
        ? (File.Exists(configured) ? configured : null)
        : Executables.Find("tailscale", environment.Get("PATH") ?? Executables.SearchPath);

    public async Task<CliOutcome> RunAsync(string[] arguments, CancellationToken cancellationToken)
    {
        var program = Path ?? throw NotInstalled();
        var start = new ProcessStartInfo(program, arguments)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        using var process = Process.Start(start) ?? throw NotInstalled();
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw Unavailable($"'tailscale {string.Join(' ', arguments)}' did not answer within {Timeout.TotalSeconds:0} s: is tailscaled running? Try 'sudo systemctl start tailscaled'.");
        }
        return new CliOutcome(process.ExitCode, await output, await error);
    }

    public static ApiException NotInstalled() => Unavailable(
        "Tailscale is not installed here (or TAILSCALE_CLI points nowhere): install it (curl -fsSL https://tailscale.com/install.sh | sh), then run 'sudo tailscale up'.");

    public static ApiException Unavailable(string message) => new(StatusCodes.Status503ServiceUnavailable, ErrorCodes.Unavailable, message);
}
