using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace OpenMotoko.Skills.Shell;

/// <summary>
/// Starts a command as the leader of its own process group (through setsid), so the whole tree it
/// spawns can be killed with one signal to the group; what left the group (setsid, a double fork) is
/// found by the marker in its environment and killed too. Inside bubblewrap the PID namespace ends
/// everything anyway.
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

    /// <summary>The variable every command and its descendants carry, so those that left the group can be found.</summary>
    public const string MarkerVariable = "OPENMOTOKO_COMMAND";

    /// <summary>
    /// Kills every process whose environment carries <paramref name="marker"/> (the value of
    /// <see cref="MarkerVariable"/>), in rounds until none is left, so one forking while it is swept is caught
    /// too. Linux only (it reads /proc); a process that cleared its environment or became unreadable escapes it.
    /// </summary>
    public static void Sweep(string marker)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        var needle = Encoding.UTF8.GetBytes($"{MarkerVariable}={marker}\0");
        var killed = new HashSet<int>();
        for (var round = 0; round < 20; round++)
        {
            // A killed process shows its environment until it is reaped: only new ones need another round.
            var fresh = Carrying(needle).Where(killed.Add).ToList();
            if (fresh.Count == 0)
            {
                return;
            }
            foreach (var pid in fresh)
            {
                _ = Kill(pid, SigKill);
            }
        }
    }

    private static List<int> Carrying(byte[] needle)
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }
            try
            {
                if (File.ReadAllBytes(Path.Combine(directory, "environ")).AsSpan().IndexOf(needle) >= 0)
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // gone, or another user's process: not ours to sweep
            }
        }
        return found;
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Kill(int pid, int signal);
}
