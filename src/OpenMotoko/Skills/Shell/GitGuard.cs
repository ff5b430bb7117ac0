namespace OpenMotoko.Skills.Shell;

/// <summary>
/// git in allowlist mode. Configuration can name programs (aliases with '!', hooks, pagers, editors,
/// ssh), so the command line may not set any, only git's own subcommands run (an alias or a git-foo
/// program is refused), and the keys that run programs are overridden with harmless values.
/// </summary>
internal static class GitGuard
{
    /// <summary>Command-line config wins over the repository's and HOME's (HOME is the workspace, so the model can write both).</summary>
    private static readonly string[] HardeningOptions =
    [
        "-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false", "-c", "core.pager=cat", "-c", "core.editor=false",
        "-c", "sequence.editor=false", "-c", "core.sshCommand=ssh -F /dev/null", "-c", "core.gitProxy=", "-c", "credential.helper=",
        "-c", "core.askPass=", "-c", "gpg.program=false", "-c", "protocol.ext.allow=never",
    ];

    /// <summary>Before the subcommand: options that set config or point git at another repository and its config.</summary>
    private static readonly string[] GlobalOptions = ["-c", "--config-env", "-C", "--git-dir", "--work-tree", "--exec-path"];

    /// <summary>Subcommand options that run a program: a remote's helper, hooks from a template, an external diff or tool.</summary>
    private static readonly string[] RefusedOptions = ["--upload-pack", "--receive-pack", "--exec", "--template", "--config", "--ext-diff",
        "--extcmd", "--tool"];

    /// <summary>git's own subcommands that do not run programs by design (no difftool, mergetool, bisect run, submodule, filter-branch).</summary>
    private static readonly HashSet<string> Subcommands = new(new[]
    {
        "add", "am", "annotate", "apply", "archive", "blame", "branch", "bundle", "cat-file", "check-attr", "check-ignore", "checkout",
        "cherry", "cherry-pick", "clean", "clone", "commit", "config", "count-objects", "describe", "diff", "diff-files", "diff-index",
        "diff-tree", "fetch", "for-each-ref", "format-patch", "fsck", "gc", "grep", "hash-object", "help", "init", "log", "ls-files",
        "ls-remote", "ls-tree", "merge", "merge-base", "mv", "name-rev", "notes", "pull", "push", "range-diff", "rebase", "reflog", "remote",
        "reset", "restore", "rev-list", "rev-parse", "revert", "rm", "shortlog", "show", "show-branch", "show-ref", "sparse-checkout",
        "stash", "status", "switch", "symbolic-ref", "tag", "version", "whatchanged", "worktree",
    }, StringComparer.Ordinal);

    /// <summary>Subcommands that print a diff: --no-ext-diff keeps diff.external from running.</summary>
    private static readonly HashSet<string> Diffing = new(["diff", "log", "show", "whatchanged"], StringComparer.Ordinal);

    private static readonly string[] ConfigReads = ["--get", "--get-all", "--get-regexp", "--list", "-l", "get", "list"];

    public static string? Refusal(List<string> args)
    {
        var at = SubcommandIndex(args);
        foreach (var option in args.Take(at))
        {
            if (GlobalOptions.FirstOrDefault(refused => option == refused || option.StartsWith(refused + "=", StringComparison.Ordinal)) is { } found)
            {
                return $"'{found}' would set git config or use another repository's, and config can run programs";
            }
        }
        if (at == args.Count)
        {
            return null; // git --version, git --help
        }
        var subcommand = args[at];
        if (!Subcommands.Contains(subcommand))
        {
            return $"'{subcommand}' is not one of git's own subcommands that run no programs (aliases and git-* programs are refused)";
        }
        var rest = args.Skip(at + 1).ToList();
        if (rest.FirstOrDefault(arg => RefusedOptions.Any(option => arg == option || arg.StartsWith(option + "=", StringComparison.Ordinal))) is { } runs)
        {
            return $"'{runs}' runs another program";
        }
        if (subcommand == "rebase" && rest.FirstOrDefault(arg => arg == "-x" || (arg.StartsWith("-x", StringComparison.Ordinal) && arg.Length > 2)) is { } exec)
        {
            return $"'{exec}' runs a command after each commit";
        }
        if (subcommand == "clone" && rest.Contains("-c", StringComparer.Ordinal))
        {
            return "'-c' sets config in the new repository, and config can run programs";
        }
        if (subcommand == "config" && !rest.Any(arg => ConfigReads.Contains(arg, StringComparer.Ordinal)))
        {
            return "only reading git config is allowed (--get, --list): config can set aliases, hooks and other programs to run";
        }
        return null;
    }

    /// <summary>The arguments with the hardening config in front and external diffs off.</summary>
    public static IEnumerable<string> Harden(List<string> args)
    {
        var at = SubcommandIndex(args);
        var hardened = new List<string>(HardeningOptions);
        hardened.AddRange(args.Take(at + 1));
        if (at < args.Count && Diffing.Contains(args[at]))
        {
            hardened.Add("--no-ext-diff");
        }
        hardened.AddRange(args.Skip(at + 1));
        return hardened;
    }

    /// <summary>The first word that is not an option (global options that take a value are refused, so none is skipped wrongly).</summary>
    private static int SubcommandIndex(List<string> args)
    {
        var at = args.FindIndex(arg => !arg.StartsWith('-'));
        return at < 0 ? args.Count : at;
    }
}
