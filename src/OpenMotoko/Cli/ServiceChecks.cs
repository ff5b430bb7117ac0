using System.Text.RegularExpressions;

namespace OpenMotoko.Cli;

/// <summary>What `service install` refuses, with or without --dry-run, so a dry run that passes means the real one can.</summary>
internal static partial class ServiceChecks
{
    /// <summary>The binary the service will run: --binary, else this process unless it is a host (dotnet, testhost). Null when fine.</summary>
    public static string? Binary(string? given, out string executable)
    {
        executable = "";
        var binary = given ?? (Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) is not ("dotnet" or "testhost") ? path : null);
        if (binary is null)
        {
            return "this process is not the openmotoko binary (it runs under dotnet); give the binary with --binary.";
        }
        executable = Path.GetFullPath(binary);
        return File.Exists(executable) ? null : $"the binary {executable} does not exist; give the installed binary with --binary.";
    }

    /// <summary>Why the service could not run as described, or null.</summary>
    public static string? Refusal(ServiceTarget target, string executable, string? runAs, string memoryMax)
    {
        if (!target.IsSystemd)
        {
            return runAs is not null ? "--run-as is for systemd; a launchd job runs as the user who installs it." : null;
        }
        if (IsPrivateTmp(executable))
        {
            return $"the binary {executable} is under a temporary directory, which the service cannot see (PrivateTmp=true gives it its own /tmp). " +
                "Copy it to /usr/local/bin (or ~/.local/bin) and give --binary.";
        }
        if (!MemoryLimit().IsMatch(memoryMax))
        {
            return $"--memory-max '{memoryMax}' is not a size systemd understands: give bytes with K, M, G or T (e.g. 512M), a percentage (50%) or infinity.";
        }
        if (target.File.SystemWide && runAs is not null && target.RunAs is { } user && !ServiceUser.Exists(user))
        {
            return $"the user '{user}' given with --run-as does not exist. Create it (useradd --system {user}), " +
                $"or leave out --run-as to use the dedicated '{ServiceUser.Default}' user, which install creates.";
        }
        return null;
    }

    private static bool IsPrivateTmp(string path) =>
        path.StartsWith("/tmp/", StringComparison.Ordinal) || path.StartsWith("/var/tmp/", StringComparison.Ordinal);

    [GeneratedRegex(@"^(\d+[KMGT]?|\d{1,3}%|infinity)$")]
    private static partial Regex MemoryLimit();
}
