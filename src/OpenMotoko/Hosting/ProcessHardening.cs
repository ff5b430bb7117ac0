using System.Runtime.InteropServices;
using OpenMotoko.Settings;

namespace OpenMotoko.Hosting;

/// <summary>
/// What `serve` does to its own process before it starts. On Linux the daemon becomes non-dumpable, so
/// other processes of its user (a shell command among them) cannot read its /proc/&lt;pid&gt;/environ,
/// memory or open files: the kernel keeps showing the environment the daemon started with there. And the
/// secrets are dropped from the environment it hands on, once the snapshot the daemon reads has them.
/// </summary>
internal static partial class ProcessHardening
{
    public const string RootWarning =
        "running as root: commands the shell runs own root's files inside the sandbox (only the obvious secret ones are hidden) " +
        "and the per-command process cap does not bind root. Run as an ordinary user: 'openmotoko service install' creates " +
        "and uses the 'openmotoko' user.";

    private const int PrGetDumpable = 3;
    private const int PrSetDumpable = 4;

    /// <summary>Name parts that mark a variable as a secret even when the daemon does not read it (AWS_SECRET_ACCESS_KEY, GITHUB_TOKEN).</summary>
    private static readonly string[] SecretWords = ["KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "CREDENTIALS"];

    private static readonly HashSet<string> KnownSecrets = new(
        SettingsCatalog.All.Where(definition => definition.IsSecret && definition.EnvVar is not null).Select(definition => definition.EnvVar!)
            .Append("OPENMOTOKO_PASSWORD"),
        StringComparer.Ordinal);

    /// <summary>Both steps, for `serve`. Returns the names removed from the environment.</summary>
    public static IReadOnlyList<string> Apply(EnvironmentSnapshot environment)
    {
        MakeNonDumpable();
        return RemoveSecrets(environment.Names);
    }

    /// <summary>prctl(PR_SET_DUMPABLE, 0): false where that is not Linux or the call failed.</summary>
    public static bool MakeNonDumpable() => OperatingSystem.IsLinux() && Prctl(PrSetDumpable, 0, 0, 0, 0) == 0;

    /// <summary>Whether this process is dumpable (Linux), i.e. whether its user's other processes may read it.</summary>
    public static bool IsDumpable => !OperatingSystem.IsLinux() || Prctl(PrGetDumpable, 0, 0, 0, 0) != 0;

    /// <summary>
    /// Removes the secret ones among <paramref name="names"/> from the environment that child processes
    /// inherit (.NET's copy, which Process.Start hands on). Returns the names removed.
    /// </summary>
    public static IReadOnlyList<string> RemoveSecrets(IEnumerable<string> names)
    {
        var removed = names.Where(IsSecret).Where(name => Environment.GetEnvironmentVariable(name) is not null).ToList();
        foreach (var name in removed)
        {
            Environment.SetEnvironmentVariable(name, null);
        }
        return removed;
    }

    public static bool IsSecret(string name) =>
        KnownSecrets.Contains(name) ||
        name.ToUpperInvariant().Split('_', '-', '.').Any(part => SecretWords.Contains(part, StringComparer.Ordinal) || part.EndsWith("APIKEY", StringComparison.Ordinal));

    [LibraryImport("libc", EntryPoint = "prctl")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);
}
