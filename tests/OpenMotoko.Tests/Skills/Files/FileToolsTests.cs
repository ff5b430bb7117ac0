using OpenMotoko.Skills.Files;
using static OpenMotoko.Tests.Skills.Files.ToolKit;

namespace OpenMotoko.Tests.Skills.Files;

public sealed class FileToolsTests : IDisposable
{
    private readonly ToolKit _kit = new();

    [Fact]
    public async Task Read_returns_a_line_window_and_says_where_to_continue()
    {
        File.WriteAllText(_kit.InWorkspace("lines.txt"), string.Join('\n', Enumerable.Range(1, 10).Select(i => $"line {i}")) + "\n");
        var read = new ReadFileTool(_kit.Paths);
        var window = await CallAsync(read, Json(("path", "lines.txt"), ("offset", 3), ("limit", 2)));
        Assert.False(window.IsError);
        Assert.Equal("line 3\nline 4\n[more lines follow: continue with offset=5]\n", window.Output);
        var tail = await CallAsync(read, Json(("path", "lines.txt"), ("offset", 9)));
        Assert.Equal("line 9\nline 10\n", tail.Output);
        var past = await CallAsync(read, Json(("path", "lines.txt"), ("offset", 50)));
        Assert.True(past.IsError);
        Assert.Contains("past the end", past.Output);
        Assert.Contains("must be between", (await CallAsync(read, Json(("path", "lines.txt"), ("offset", 0)))).Output);
    }

    [Fact]
    public async Task Read_caps_the_answer_at_one_mebibyte()
    {
        var line = new string('a', 1000);
        File.WriteAllLines(_kit.InWorkspace("big.txt"), Enumerable.Repeat(line, 3000));
        var outcome = await CallAsync(new ReadFileTool(_kit.Paths), Json(("path", "big.txt"), ("limit", 100000)));
        Assert.False(outcome.IsError);
        Assert.True(outcome.Output.Length <= TextFiles.MaxReadBytes + 100);
        Assert.Contains("[more lines follow: continue with offset=", outcome.Output);
    }

    [Fact]
    public async Task Binary_files_are_reported_not_dumped()
    {
        var bytes = new byte[5000];
        new Random(7).NextBytes(bytes);
        bytes[10] = 0;
        File.WriteAllBytes(_kit.InWorkspace("blob.bin"), bytes);
        File.WriteAllBytes(_kit.InWorkspace("latin1.txt"), [0x63, 0x61, 0x66, 0xE9, 0x20, 0x61]); // invalid UTF-8
        var read = new ReadFileTool(_kit.Paths);
        Assert.Equal("'blob.bin' is a binary file, 5000 bytes; not shown", (await CallAsync(read, Json(("path", "blob.bin")))).Output);
        Assert.Contains("binary file, 6 bytes", (await CallAsync(read, Json(("path", "latin1.txt")))).Output);
        var edit = await CallAsync(new EditFileTool(_kit.Paths), Json(("path", "blob.bin"), ("oldText", "a"), ("newText", "b")));
        Assert.True(edit.IsError);
        Assert.Contains("binary", edit.Output);
        Assert.Equal("ünïcødé ✓\n", (await CallAsync(read, Json(("path", WriteText("utf8.txt", "ünïcødé ✓\n"))))).Output);
    }

    [Fact]
    public async Task A_fifo_is_refused_instead_of_blocking_forever()
    {
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [_kit.InWorkspace("pipe")]))
        {
            await mkfifo.WaitForExitAsync();
        }
        var read = await CallAsync(new ReadFileTool(_kit.Paths), Json(("path", "pipe"))).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(read.IsError);
        Assert.Contains("not a regular file", read.Output);
        var edit = await CallAsync(new EditFileTool(_kit.Paths), Json(("path", "pipe"), ("oldText", "a"), ("newText", "b"))).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Contains("not a regular file", edit.Output);
        Assert.Equal("no matches for 'x'\n", (await CallAsync(new SearchFilesTool(_kit.Paths), Json(("pattern", "x")))).Output);
    }

    [Fact]
    public async Task Write_creates_parent_folders_and_replaces_atomically()
    {
        var write = new WriteFileTool(_kit.Paths);
        Assert.True(write.ChangesState);
        var created = await CallAsync(write, Json(("path", "a/b/c.txt"), ("content", "first")));
        Assert.False(created.IsError, created.Output);
        Assert.Equal("wrote 5 bytes to 'a/b/c.txt'", created.Output);

        // A reader holding the old file keeps seeing all of it: the new content arrives as a new file renamed over it.
        await using var before = new FileStream(_kit.InWorkspace("a/b/c.txt"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var replaced = await CallAsync(write, Json(("path", "a/b/c.txt"), ("content", "second, longer")));
        Assert.False(replaced.IsError);
        using (var old = new StreamReader(before))
        {
            Assert.Equal("first", await old.ReadToEndAsync());
        }
        Assert.Equal("second, longer", File.ReadAllText(_kit.InWorkspace("a/b/c.txt")));
        Assert.Equal(["c.txt"], Directory.GetFiles(_kit.InWorkspace("a/b")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Write_over_the_limit_leaves_the_old_file_untouched()
    {
        WriteText("keep.txt", "original");
        var huge = new string('x', TextFiles.MaxWriteBytes + 1);
        var outcome = await CallAsync(new WriteFileTool(_kit.Paths), Json(("path", "keep.txt"), ("content", huge)));
        Assert.True(outcome.IsError);
        Assert.Contains("over the limit", outcome.Output);
        Assert.Equal("original", File.ReadAllText(_kit.InWorkspace("keep.txt")));
        Assert.Single(Directory.GetFiles(_kit.Workspace));
        Assert.Contains("is a directory", (await CallAsync(new WriteFileTool(_kit.Paths), Json(("path", "."), ("content", "x")))).Output);
    }

    [Fact]
    public async Task Edit_replaces_exactly_one_occurrence_and_reports_counts_otherwise()
    {
        WriteText("code.txt", "alpha beta\nbeta gamma\nunique line\n");
        var edit = new EditFileTool(_kit.Paths);
        var twice = await CallAsync(edit, Json(("path", "code.txt"), ("oldText", "beta"), ("newText", "BETA")));
        Assert.True(twice.IsError);
        Assert.Contains("occurs 2 times", twice.Output);
        var missing = await CallAsync(edit, Json(("path", "code.txt"), ("oldText", "delta"), ("newText", "x")));
        Assert.True(missing.IsError);
        Assert.Contains("not found", missing.Output);
        Assert.Contains("empty", (await CallAsync(edit, Json(("path", "code.txt"), ("oldText", ""), ("newText", "x")))).Output);
        Assert.Contains("does not exist", (await CallAsync(edit, Json(("path", "nope.txt"), ("oldText", "a"), ("newText", "b")))).Output);
        Assert.Equal("alpha beta\nbeta gamma\nunique line\n", File.ReadAllText(_kit.InWorkspace("code.txt")));

        var once = await CallAsync(edit, Json(("path", "code.txt"), ("oldText", "beta gamma"), ("newText", "BETA GAMMA")));
        Assert.False(once.IsError, once.Output);
        Assert.Equal("alpha beta\nBETA GAMMA\nunique line\n", File.ReadAllText(_kit.InWorkspace("code.txt")));
    }

    [Fact]
    public async Task List_marks_folders_files_and_links_and_does_not_follow_links()
    {
        WriteText("top.txt", "12345");
        WriteText("sub/inner.txt", "x");
        File.CreateSymbolicLink(_kit.InWorkspace("to-etc"), "/etc");
        var list = new ListDirectoryTool(_kit.Paths);
        Assert.False(list.ChangesState);
        var flat = await CallAsync(list, "{}");
        Assert.Equal("dir   sub/\nlink  to-etc -> /etc\nfile  top.txt (5 bytes)\n", flat.Output);
        var deep = await CallAsync(list, Json(("path", "."), ("recursive", true)));
        Assert.Contains("file  sub/inner.txt (1 bytes)", deep.Output);
        Assert.DoesNotContain("passwd", deep.Output);
        Assert.Contains("is a file", (await CallAsync(list, Json(("path", "top.txt")))).Output);
    }

    [Fact]
    public async Task List_is_bounded()
    {
        for (var i = 0; i < ListDirectoryTool.MaxEntries + 5; i++)
        {
            File.WriteAllText(_kit.InWorkspace($"f{i:D4}.txt"), "");
        }
        var outcome = await CallAsync(new ListDirectoryTool(_kit.Paths), "{}");
        Assert.Equal(ListDirectoryTool.MaxEntries + 1, outcome.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("[stopped after 1000 entries", outcome.Output);
    }

    [Fact]
    public async Task Search_matches_globs_on_names_and_text_in_files_but_skips_binaries()
    {
        WriteText("docs/readme.md", "Hello World\nnothing here\n");
        WriteText("docs/notes.md", "second hello\n");
        WriteText("src/main.cs", "// hello from code\n");
        File.WriteAllBytes(_kit.InWorkspace("blob.bin"), [0x68, 0x65, 0x6C, 0x6C, 0x6F, 0x00]);
        var search = new SearchFilesTool(_kit.Paths);
        Assert.Equal("docs/notes.md\ndocs/readme.md\n", (await CallAsync(search, Json(("pattern", "*.md")))).Output);
        var text = await CallAsync(search, Json(("pattern", "hello")));
        Assert.Equal("docs/notes.md:1: second hello\ndocs/readme.md:1: Hello World\nsrc/main.cs:1: // hello from code\n", text.Output);
        Assert.Equal("src/main.cs:1: // hello from code\n", (await CallAsync(search, Json(("pattern", "hello"), ("path", "src")))).Output);
        Assert.Equal("no matches for 'zzz'\n", (await CallAsync(search, Json(("pattern", "zzz")))).Output);
    }

    private string WriteText(string relative, string text)
    {
        var full = _kit.InWorkspace(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return relative;
    }

    public void Dispose() => _kit.Dispose();
}
