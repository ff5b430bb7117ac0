using Microsoft.Extensions.Logging;
using OpenMotoko.Hosting;

namespace OpenMotoko.Tests.Hosting;

/// <summary>The daemon's log lines: one line per entry, below Warning on stdout, Warning and up on stderr.</summary>
public sealed class LineLoggerTests
{
    [Fact]
    public void Entries_go_to_stdout_or_stderr_by_level_each_as_one_line()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var provider = new LineLoggerProvider(output, error, colorOut: false, colorError: false);
        var logger = provider.CreateLogger("OpenMotoko.Test");

        logger.LogInformation(new EventId(7), "started on {Port}", 3457);
        logger.LogWarning(new EventId(8), "slow disk");
        logger.LogError(new EventId(9), new InvalidOperationException("first line\nsecond line"), "it broke");

        var stdout = output.ToString();
        var stderr = error.ToString();
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info: OpenMotoko\.Test\[7\] started on 3457\n$", stdout);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.EndsWith("warn: OpenMotoko.Test[8] slow disk", lines[0], StringComparison.Ordinal);
        Assert.Contains("fail: OpenMotoko.Test[9] it broke System.InvalidOperationException: first line second line", lines[1], StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', stdout + stderr);
    }

    [Fact]
    public void Colour_marks_only_the_level()
    {
        var line = LineLoggerProvider.Format(LogLevel.Warning, "C", new EventId(1), "m", null, color: true);

        Assert.EndsWith(" \u001b[33mwarn\u001b[0m: C[1] m\n", line, StringComparison.Ordinal);
    }
}
