using System.Text;
using OpenMotoko.Channels.Plugins;

namespace OpenMotoko.Tests.Channels.Plugins;

public sealed class LineReaderTests
{
    [Fact]
    public async Task Lines_over_the_cap_are_skipped_whole_and_the_next_line_still_reads()
    {
        var text = "first\r\n" + new string('x', 5000) + "\nsecond\nlast";
        var reader = new LineReader(new MemoryStream(Encoding.UTF8.GetBytes(text)), 1000);
        Assert.Equal(("first", false), (await reader.ReadAsync(CancellationToken.None))!.Value);
        Assert.Equal((null, true), (await reader.ReadAsync(CancellationToken.None))!.Value);
        Assert.Equal(("second", false), (await reader.ReadAsync(CancellationToken.None))!.Value);
        Assert.Equal(("last", false), (await reader.ReadAsync(CancellationToken.None))!.Value);
        Assert.Null(await reader.ReadAsync(CancellationToken.None));
    }
}
