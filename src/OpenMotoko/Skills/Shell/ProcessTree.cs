using System.Diagnostics;
using System.Runtime.InteropServices;

namespace OpenMotoko.Skills.Shell;

/// <summary>
/// Starts a command as the leader of its own process group (through setsid), so the whole tree it
/// spawns can be killed with one signal to the group.
/// </summary>
internal static partial class ProcessTree
{
    private const int SigKill = 9;

    private static readonly Lazy<string?> Setsid = new(() => Executables.Find("setsid", Executables.SearchPath));

    /// <summary>True when commands get their own process group; otherwise only the known tree is killed.</summary>
    public static bool HasOwnGroup => !OperatingSystem.IsWindows() && Setsid.Value is not null;

    public static ProcessStartInfo StartInfo(IReadOnlyList<string> argv)
    {
        var start = new ProcessStartInfo
        {
            FileName = HasOwnGroup ? Setsid.Value! : argv[0],
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in HasOwnGroup ? argv : argv.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }
        return start;
    }

    /// <summary>Kills the process and everything in its group; safe to call when they are already gone.</summary>
    public static void KillGroup(Process process)
    {
        if (HasOwnGroup)
        {
            _ = Kill(-process.Id, SigKill);
        }
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // already exited
        }
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Kill(int pid, int signal);
}
