namespace OpenMotoko.Tests.Cli;

/// <summary>A configuration the daemon cannot honour stops `serve` with a message saying what to fix, never a stack trace.</summary>
[Collection("cli")]
public sealed class ServeConfigurationTests
{
    [Theory]
    [InlineData("OPENMOTOKO_CORS_ORIGINS", "*", "'*' is not allowed")]
    [InlineData("OPENMOTOKO_CORS_ORIGINS", "https://ok.example, not an origin", "'not an origin' is not a browser origin")]
    [InlineData("OPENMOTOKO_ALLOWED_HOSTS", "http://pi.example.net", "is not a host name")]
    [InlineData("OPENMOTOKO_TRUSTED_PROXIES", "10.0.0.0/8", "is not an IP address")]
    [InlineData("OPENMOTOKO_PORT", "abc", "cannot be used: app.port must be")]
    public async Task A_bad_list_stops_serve_with_exit_3_and_a_clear_message(string name, string value, string expected)
    {
        var dataDir = Cli.TempDir();
        try
        {
            var result = await Cli.RunAsync(["serve", "--port", "0", "--data-dir", dataDir], new() { [name] = value })
                .WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(3, result.ExitCode);
            // Run as root, a warning line may come first; the reason is a line of its own, with no stack trace.
            var line = Assert.Single(result.Error.Split('\n'), l => l.StartsWith($"openmotoko: {name}", StringComparison.Ordinal));
            Assert.Contains(expected, line, StringComparison.Ordinal);
            Assert.DoesNotContain("ignored", line, StringComparison.Ordinal); // it stops serve, so it is not ignored
            Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        }
        finally
        {
            Cli.Delete(dataDir);
        }
    }
}
