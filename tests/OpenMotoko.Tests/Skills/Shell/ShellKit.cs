using System.Text.Json;
using OpenMotoko.Agent;
using OpenMotoko.Skills.Files;
using OpenMotoko.Skills.Shell;

namespace OpenMotoko.Tests.Skills.Shell;

/// <summary>Builds execute_command over a temp workspace and reads its JSON answer; checks processes by pid.</summary>
internal static class ShellKit
{
    /// <summary>Normal mode, allowed to run without a sandbox: what the tests of the runner itself use.</summary>
    public static readonly ShellPolicy Unconfined = ShellPolicy.Default with { Unsandboxed = true };

    public static ExecuteCommandTool Tool(WorkspacePaths paths, ShellPolicy? policy = null, ShellSandbox? sandbox = null) =>
        new(paths, () => sandbox ?? ShellSandbox.Disabled("not used by this test"), () => policy ?? Unconfined, TimeProvider.System);

    public static CommandResult Result(ToolOutcome outcome)
    {
        Assert.False(outcome.IsError, outcome.Output);
        return JsonSerializer.Deserialize(outcome.Output, ShellJsonContext.Default.CommandResult)!;
    }

    /// <summary>Alive means present and not a zombie (a killed process waiting for init to reap it is dead).</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[stat.LastIndexOf(')') + 2];
            return state is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// True once the process is gone. SIGKILL lands asynchronously: a killed process can close its pipes a
    /// moment before the kernel marks it dead, so this allows that moment (bounded), not a real survivor.
    /// </summary>
    public static async Task<bool> IsDeadSoonAsync(int pid)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (!IsAlive(pid))
            {
                return true;
            }
            await Task.Delay(20);
        }
        return false;
    }

    /// <summary>True once no live process's command line contains <paramref name="needle"/> (a killed tree takes a moment to go).</summary>
    public static async Task<bool> NoneLeftAsync(string needle)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (LiveProcessesWith(needle).Count == 0)
            {
                return true;
            }
            await Task.Delay(20);
        }
        return false;
    }

    public static int ReadPid(string file) => int.Parse(File.ReadAllText(file).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Live processes whose command line contains <paramref name="needle"/> (arguments joined by spaces).</summary>
    public static List<int> LiveProcessesWith(string needle)
    {
        var found = new List<int>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains(needle, StringComparison.Ordinal) && IsAlive(pid))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // the process ended while we looked
            }
        }
        return found;
    }
}
