using System.Diagnostics;

namespace OpenMotoko.Cli;

/// <summary>
/// The user a system-wide systemd service runs as: a dedicated system user ('openmotoko', created when
/// missing) unless --run-as names another one or root. As root, a command's files inside the sandbox
/// would be root's own and the process cap would not bind.
/// </summary>
internal static class ServiceUser
{
    public const string Default = "openmotoko";

    /// <summary>The user for the unit's User= line; null (no line) means root.</summary>
    public static string? Resolve(string? runAs) => (runAs ?? Default) is "root" or "0" ? null : runAs ?? Default;

    /// <summary>What install runs before starting the service: create the user if missing, then give it the data dir.</summary>
    public static List<string[]> Commands(string user, string dataDir)
    {
        var commands = new List<string[]>();
        if (!Exists(user))
        {
            commands.Add(["useradd", "--system", "--user-group", "--home-dir", dataDir, "--no-create-home", "--shell", "/usr/sbin/nologin", user]);
        }
        // An earlier root install (or install itself) created the data dir as root; the service must own it.
        commands.Add(["chown", "-R", $"{user}:", dataDir]);
        return commands;
    }

    /// <summary>A note when the service's user probably cannot run the binary (it sits in a private home).</summary>
    public static string? BinaryNote(string user, string executable) =>
        executable.StartsWith("/root/", StringComparison.Ordinal) || executable.StartsWith("/home/", StringComparison.Ordinal)
            ? $"Note: the service runs as '{user}', who may not be able to run {executable}; copy the binary to /usr/local/bin and give --binary."
            : null;

    /// <summary>Whether the user exists (through NSS, so LDAP users count): `id -u` answers 0.</summary>
    public static bool Exists(string user)
    {
        try
        {
            using var id = Process.Start(new ProcessStartInfo("id", ["-u", user]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
            id.WaitForExit();
            return id.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
