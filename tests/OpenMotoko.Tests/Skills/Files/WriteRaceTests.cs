using System.Runtime.Versioning;
using OpenMotoko.Skills.Files;
using static OpenMotoko.Tests.Skills.Files.ToolKit;

namespace OpenMotoko.Tests.Skills.Files;

/// <summary>
/// write_file and edit_file against a real concurrent attacker (another thread doing what a shell
/// command in the workspace can do): it keeps replacing the temp file with a symbolic link to a
/// file outside, and the target's folder with a symbolic link to a folder outside.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class WriteRaceTests : IDisposable
{
    private const UnixFileMode Mode644 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode Mode777 = (UnixFileMode)0x1FF;
    private const int Rounds = 400;

    private readonly ToolKit _kit = new();

    [Fact]
    public async Task Swapping_links_in_while_writing_never_changes_a_file_outside_the_workspace()
    {
        var outsideDir = Directory.CreateDirectory(Path.Combine(_kit.Root, "outside")).FullName;
        var outsideFile = Path.Combine(outsideDir, "target.txt");
        File.WriteAllText(outsideFile, "outside");
        File.SetUnixFileMode(outsideFile, Mode644);
        File.SetUnixFileMode(_kit.DatabasePath, Mode644);
        var database = File.ReadAllText(_kit.DatabasePath);
        var folder = _kit.InWorkspace("sub");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "target.txt"), "inside");
        File.SetUnixFileMode(Path.Combine(folder, "target.txt"), Mode777); // the mode a rewrite carries over

        using var stop = new CancellationTokenSource();
        var attacker = Task.Factory.StartNew(() => Attack(folder, outsideDir, [outsideFile, _kit.DatabasePath], stop.Token),
            stop.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var write = new WriteFileTool(_kit.Paths);
        var edit = new EditFileTool(_kit.Paths);
        try
        {
            for (var round = 0; round < Rounds && !Changed(); round++)
            {
                _ = round % 2 == 0
                    ? await CallAsync(write, Json(("path", "sub/target.txt"), ("content", $"round {round}")))
                    : await CallAsync(edit, Json(("path", "sub/target.txt"), ("oldText", "round"), ("newText", "round")));
            }
        }
        finally
        {
            await stop.CancelAsync();
            await attacker;
        }

        Assert.Equal(Mode644, File.GetUnixFileMode(outsideFile));
        Assert.Equal("outside", File.ReadAllText(outsideFile));
        Assert.Equal(Mode644, File.GetUnixFileMode(_kit.DatabasePath));
        Assert.Equal(database, File.ReadAllText(_kit.DatabasePath));
        Assert.Equal(["target.txt"], Directory.GetFileSystemEntries(outsideDir).Select(Path.GetFileName));
        var after = await CallAsync(write, Json(("path", "sub/after.txt"), ("content", "calm again")));
        Assert.False(after.IsError, after.Output);
        Assert.Equal("calm again", File.ReadAllText(Path.Combine(folder, "after.txt")));

        bool Changed() =>
            File.GetUnixFileMode(outsideFile) != Mode644 || File.GetUnixFileMode(_kit.DatabasePath) != Mode644 ||
            Directory.GetFileSystemEntries(outsideDir).Length != 1;
    }

    [Fact]
    public async Task A_rewrite_keeps_the_permissions_of_the_file_it_replaces_but_not_set_id_bits()
    {
        var script = _kit.InWorkspace("run.sh");
        File.WriteAllText(script, "echo old\n");
        File.SetUnixFileMode(script, (UnixFileMode)0x9ED); // setuid + rwxr-xr-x

        var outcome = await CallAsync(new WriteFileTool(_kit.Paths), Json(("path", "run.sh"), ("content", "echo new\n")));

        Assert.False(outcome.IsError, outcome.Output);
        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(script));
        Assert.Equal("echo new\n", File.ReadAllText(script));
    }

    /// <summary>Replaces every temp file it sees with a link to an outside file; every few rounds swaps the folder for a link.</summary>
    private static void Attack(string folder, string outsideDir, string[] outsideFiles, CancellationToken stop)
    {
        var link = Path.Combine(Path.GetDirectoryName(folder)!, ".attacker-link");
        var parked = folder + ".real";
        var target = Path.Combine(folder, "target.txt");
        for (var round = 0; !stop.IsCancellationRequested; round++)
        {
            try
            {
                // A link of ours that got renamed into the target's place would stop every later write at
                // Resolve; removing it here (the folder is real now) keeps the attack going.
                if (new FileInfo(target).LinkTarget is not null)
                {
                    File.Delete(target);
                }
                foreach (var temp in Directory.EnumerateFiles(folder, ".target.txt.*"))
                {
                    File.CreateSymbolicLink(link, outsideFiles[round % outsideFiles.Length]);
                    File.Move(link, temp, overwrite: true); // rename(2): the temp's name now points outside
                }
                if (round % 8 == 0)
                {
                    Directory.Move(folder, parked);
                    Directory.CreateSymbolicLink(folder, outsideDir);
                }
            }
            catch (IOException)
            {
                // the writer got there first; try again
            }
            finally
            {
                File.Delete(link);
                Restore(folder, parked);
            }
        }
    }

    /// <summary>Puts the real folder back (the writer may have made a new one in its place meanwhile).</summary>
    private static void Restore(string folder, string parked)
    {
        for (var attempt = 0; Directory.Exists(parked); attempt++)
        {
            try
            {
                if (new FileInfo(folder).LinkTarget is not null)
                {
                    File.Delete(folder);
                }
                else if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }
                Directory.Move(parked, folder);
            }
            catch (IOException) when (attempt < 100)
            {
                // the writer created the folder again in between
            }
        }
    }

    public void Dispose() => _kit.Dispose();
}
