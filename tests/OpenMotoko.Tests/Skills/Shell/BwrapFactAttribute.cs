using System.Runtime.CompilerServices;
using OpenMotoko.Skills.Shell;

namespace OpenMotoko.Tests.Skills.Shell;

/// <summary>
/// A test that needs a working bubblewrap; skipped with the reason where there is none. The reason is also put in the
/// test's display name, because `dotnet test` prints a skipped test's name but not its reason.
/// </summary>
internal sealed class BwrapFactAttribute : FactAttribute
{
    private readonly string _test;

    public BwrapFactAttribute([CallerMemberName] string test = "", [CallerFilePath] string file = "")
    {
        _test = $"{Path.GetFileNameWithoutExtension(file)}.{test}";
        if (!ShellSandbox.Detect().IsActive)
        {
            SkipWith($"needs bubblewrap: sandbox {ShellSandbox.Detect().Status} (apt-get install bubblewrap)");
        }
    }

    /// <summary>Also skipped unless root: what only happens when the daemon runs as root.</summary>
    public bool AsRoot
    {
        get => false;
        init
        {
            if (value && Skip is null && !OpenMotoko.Cli.Posix.IsRoot)
            {
                SkipWith("runs as root only: it checks what the sandbox hides from a daemon running as root");
            }
        }
    }

    /// <summary>Also skipped as root, whom RLIMIT_NPROC does not bind; scripts/test-unprivileged.sh runs it as uid 65534.</summary>
    public bool AsOrdinaryUser
    {
        get => false;
        init
        {
            if (value && Skip is null && OpenMotoko.Cli.Posix.IsRoot)
            {
                SkipWith("runs as an ordinary user only (RLIMIT_NPROC does not bind root): scripts/test-unprivileged.sh runs it as uid 65534");
            }
        }
    }

    private void SkipWith(string reason)
    {
        Skip = reason;
        DisplayName = $"{_test} (skipped: {reason})";
    }
}
