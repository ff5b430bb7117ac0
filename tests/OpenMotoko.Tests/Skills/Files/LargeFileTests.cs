using System.Text;
using OpenMotoko.Skills.Files;
using static OpenMotoko.Tests.Skills.Files.ToolKit;

namespace OpenMotoko.Tests.Skills.Files;

/// <summary>Huge files and huge lines: the answer is cut with a way to read on, and memory stays bounded.</summary>
[Collection("allocations")]
public sealed class LargeFileTests : IDisposable
{
    private const long MaxAllocated = 32L * 1024 * 1024;
    private readonly ToolKit _kit = new();

    [Fact]
    public async Task A_200_MB_single_line_is_cut_with_a_marker_and_memory_stays_bounded()
    {
        WriteLongLine("huge.txt", 200L * 1024 * 1024, "\nsecond line\n");
        var read = new ReadFileTool(_kit.Paths);

        var (allocated, outcome) = await Allocations.MeasureAsync(() => CallAsync(read, Json(("path", "huge.txt"))));

        Assert.False(outcome.IsError, outcome.Output[..Math.Min(200, outcome.Output.Length)]);
        Assert.True(allocated < MaxAllocated, $"allocated {allocated / 1024 / 1024} MB");
        var lines = outcome.Output.Split('\n');
        Assert.Equal(new string('a', ReadFileTool.MaxLineChars), lines[0]);
        Assert.Contains("line 1 is cut", lines[1], StringComparison.Ordinal);
        Assert.Contains($"offset=1 column={ReadFileTool.MaxLineChars + 1}", lines[1], StringComparison.Ordinal);
        Assert.Equal("second line", lines[2]);
        Assert.True(outcome.Output.Length < ReadFileTool.MaxLineChars + 1000);

        var (allocatedAgain, rest) = await Allocations.MeasureAsync(() =>
            CallAsync(read, Json(("path", "huge.txt"), ("offset", 1), ("column", ReadFileTool.MaxLineChars + 1), ("limit", 1))));
        Assert.True(allocatedAgain < MaxAllocated, $"allocated {allocatedAgain / 1024 / 1024} MB");
        Assert.StartsWith(new string('a', ReadFileTool.MaxLineChars) + "\n", rest.Output, StringComparison.Ordinal);
        Assert.Contains($"offset=1 column={(2 * ReadFileTool.MaxLineChars) + 1}", rest.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Column_reads_the_rest_of_a_cut_line_and_past_its_end_is_an_error()
    {
        File.WriteAllText(_kit.InWorkspace("short.txt"), "abcdef\nline two\n");
        var read = new ReadFileTool(_kit.Paths);

        Assert.Equal("def\nline two\n", (await CallAsync(read, Json(("path", "short.txt"), ("column", 4)))).Output);
        var past = await CallAsync(read, Json(("path", "short.txt"), ("column", 20)));
        Assert.True(past.IsError);
        Assert.Contains("column 20 is past the end of line 1", past.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_reads_only_the_start_of_a_huge_line_and_says_so()
    {
        WriteLongLine("long.txt", 900 * 1024, "needle at the end\n");
        File.WriteAllText(_kit.InWorkspace("small.txt"), "a needle here\n");
        using (var huge = File.Create(_kit.InWorkspace("huge.txt")))
        {
            huge.Write("needle\n"u8);
            huge.SetLength(200L * 1024 * 1024); // skipped for its size, so a sparse file does
        }
        var search = new SearchFilesTool(_kit.Paths);

        var (allocated, outcome) = await Allocations.MeasureAsync(() => CallAsync(search, Json(("pattern", "needle"))));

        Assert.True(allocated < MaxAllocated, $"allocated {allocated / 1024 / 1024} MB");
        Assert.Contains("small.txt:1: a needle here", outcome.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("long.txt:1", outcome.Output, StringComparison.Ordinal);
        Assert.Contains($"only the first {SearchFilesTool.MaxLineSearched} characters of each were searched", outcome.Output, StringComparison.Ordinal);
        Assert.Contains("1 file over 1 MiB was skipped", outcome.Output, StringComparison.Ordinal);
    }

    /// <summary>A text file of one line of 'a's of <paramref name="length"/> bytes, then <paramref name="tail"/>.</summary>
    private void WriteLongLine(string name, long length, string tail)
    {
        var chunk = Encoding.ASCII.GetBytes(new string('a', 1024 * 1024));
        using var file = File.Create(_kit.InWorkspace(name));
        for (var left = length; left > 0; left -= chunk.Length)
        {
            file.Write(chunk, 0, (int)Math.Min(left, chunk.Length));
        }
        file.Write(Encoding.ASCII.GetBytes(tail));
    }

    public void Dispose() => _kit.Dispose();
}
