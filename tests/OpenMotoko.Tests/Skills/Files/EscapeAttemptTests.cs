using OpenMotoko.Skills.Files;
using static OpenMotoko.Tests.Skills.Files.ToolKit;

namespace OpenMotoko.Tests.Skills.Files;

/// <summary>Every way out of the workspace that broke peers, through the real tools on real files.</summary>
public sealed class EscapeAttemptTests : IDisposable
{
    private readonly ToolKit _kit = new();

    [Theory]
    [InlineData("../openmotoko.db")]
    [InlineData("../../outside.txt")]
    [InlineData("sub/../../../outside.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("/etc/hostname")]
    public async Task Read_outside_the_workspace_is_refused(string path)
    {
        File.WriteAllText(Path.Combine(_kit.Root, "outside.txt"), "outside secret");
        var outcome = await CallAsync(new ReadFileTool(_kit.Paths), Json(("path", path)));
        Assert.True(outcome.IsError);
        Assert.Contains("outside the workspace", outcome.Output);
        Assert.DoesNotContain("secret", outcome.Output);
        Assert.DoesNotContain("root:", outcome.Output);
    }

    [Fact]
    public async Task Write_with_dot_dot_or_an_absolute_path_outside_is_refused_and_nothing_is_written()
    {
        var write = new WriteFileTool(_kit.Paths);
        var target = Path.Combine(_kit.Root, "escaped.txt");
        foreach (var path in new[] { "../../escaped.txt", target, "a/b/../../../../escaped.txt" })
        {
            var outcome = await CallAsync(write, Json(("path", path), ("content", "x")));
            Assert.True(outcome.IsError, path);
        }
        Assert.False(File.Exists(target));
        Assert.False(Directory.Exists(_kit.InWorkspace("a")));
    }

    [Fact]
    public async Task An_absolute_path_inside_the_workspace_is_accepted()
    {
        var outcome = await CallAsync(new WriteFileTool(_kit.Paths), Json(("path", _kit.InWorkspace("abs.txt")), ("content", "ok")));
        Assert.False(outcome.IsError, outcome.Output);
        Assert.Equal("ok", File.ReadAllText(_kit.InWorkspace("abs.txt")));
    }

    [Fact]
    public async Task A_symlink_to_etc_cannot_be_read_or_written_through()
    {
        File.CreateSymbolicLink(_kit.InWorkspace("etc"), "/etc");
        File.CreateSymbolicLink(_kit.InWorkspace("passwd"), "/etc/passwd");
        var read = await CallAsync(new ReadFileTool(_kit.Paths), Json(("path", "etc/passwd")));
        var readFile = await CallAsync(new ReadFileTool(_kit.Paths), Json(("path", "passwd")));
        var list = await CallAsync(new ListDirectoryTool(_kit.Paths), Json(("path", "etc")));
        var search = await CallAsync(new SearchFilesTool(_kit.Paths), Json(("pattern", "root"), ("path", "etc")));
        foreach (var outcome in new[] { read, readFile, list, search })
        {
            Assert.True(outcome.IsError);
            Assert.Contains("symbolic link", outcome.Output);
            Assert.DoesNotContain("root:", outcome.Output);
        }

        var marker = $"openmotoko-escape-{Guid.NewGuid():N}";
        var write = await CallAsync(new WriteFileTool(_kit.Paths), Json(("path", $"etc/{marker}"), ("content", "pwned")));
        var edit = await CallAsync(new EditFileTool(_kit.Paths), Json(("path", "passwd"), ("oldText", "root"), ("newText", "toor")));
        Assert.True(write.IsError);
        Assert.True(edit.IsError);
        Assert.False(File.Exists($"/etc/{marker}"));
        Assert.StartsWith("root:", File.ReadAllText("/etc/passwd"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_symlinked_parent_folder_leading_out_is_refused_for_new_files_in_new_subfolders()
    {
        var outside = Directory.CreateDirectory(Path.Combine(_kit.Root, "outside-dir")).FullName;
        Directory.CreateSymbolicLink(_kit.InWorkspace("docs"), outside);
        var outcome = await CallAsync(new WriteFileTool(_kit.Paths), Json(("path", "docs/new/deeper/file.txt"), ("content", "x")));
        Assert.True(outcome.IsError);
        Assert.Contains("symbolic link", outcome.Output);
        Assert.Empty(Directory.GetFileSystemEntries(outside));
    }

    [Fact]
    public async Task A_dangling_symlink_to_a_new_file_outside_is_refused()
    {
        var target = Path.Combine(_kit.Root, "planted.txt");
        File.CreateSymbolicLink(_kit.InWorkspace("planted.txt"), target);
        var outcome = await CallAsync(new WriteFileTool(_kit.Paths), Json(("path", "planted.txt"), ("content", "x")));
        Assert.True(outcome.IsError);
        Assert.False(File.Exists(target));
    }

    [Fact]
    public async Task A_symlink_that_stays_inside_the_workspace_is_followed()
    {
        Directory.CreateDirectory(_kit.InWorkspace("real"));
        File.WriteAllText(_kit.InWorkspace("real/notes.txt"), "inside");
        Directory.CreateSymbolicLink(_kit.InWorkspace("alias"), _kit.InWorkspace("real"));
        var outcome = await CallAsync(new ReadFileTool(_kit.Paths), Json(("path", "alias/notes.txt")));
        Assert.False(outcome.IsError, outcome.Output);
        Assert.Equal("inside\n", outcome.Output);
    }

    [Fact]
    public async Task The_data_dir_and_database_are_refused_when_the_workspace_overlaps_them()
    {
        // A workspace configured around the data dir (e.g. the home folder) must still not reach the daemon's files.
        var wide = new WorkspacePaths(_kit.Root, _kit.DataDir, _kit.DatabasePath);
        File.WriteAllText(Path.Combine(_kit.Root, "mine.txt"), "fine");
        foreach (var path in new[] { "data/openmotoko.db", "data/openmotoko.db-wal", "data", "data/other.txt", _kit.DatabasePath })
        {
            Assert.Null(wide.Resolve(path, out var error));
            Assert.Contains("data directory", error);
        }
        var read = await CallAsync(new ReadFileTool(wide), Json(("path", "data/openmotoko.db")));
        Assert.True(read.IsError);
        Assert.DoesNotContain("not a real database", read.Output);
        Assert.Equal("fine\n", (await CallAsync(new ReadFileTool(wide), Json(("path", "mine.txt")))).Output);

        // The database kept outside the data dir (OPENMOTOKO_DB_PATH) is refused too.
        var database = Path.Combine(_kit.Root, "elsewhere.db");
        var separate = new WorkspacePaths(_kit.Root, _kit.DataDir, database);
        Assert.Null(separate.Resolve("elsewhere.db", out var dbError));
        Assert.Contains("database", dbError);
    }

    [Fact]
    public void The_workspace_is_created_on_first_use()
    {
        var fresh = Path.Combine(_kit.Root, "fresh", "workspace");
        var paths = new WorkspacePaths(fresh);
        Assert.NotNull(paths.Resolve("x.txt", out _));
        Assert.True(Directory.Exists(fresh));
    }

    [Fact]
    public async Task Bad_arguments_are_tool_errors()
    {
        Assert.Contains("'path' is required", (await CallAsync(new ReadFileTool(_kit.Paths), "{}")).Output);
        Assert.Contains("must be a string", (await CallAsync(new ReadFileTool(_kit.Paths), """{"path":3}""")).Output);
        Assert.Contains("JSON object", (await CallAsync(new ReadFileTool(_kit.Paths), "[]")).Output);
        Assert.Contains("path is empty", (await CallAsync(new ReadFileTool(_kit.Paths), """{"path":" "}""")).Output);
        Assert.Contains("NUL", (await CallAsync(new ReadFileTool(_kit.Paths), """{"path":"a\u0000b"}""")).Output);
    }

    public void Dispose() => _kit.Dispose();
}
