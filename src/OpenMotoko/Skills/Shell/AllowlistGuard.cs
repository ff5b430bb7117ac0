namespace OpenMotoko.Skills.Shell;

/// <summary>
/// Allowlist mode's second half: a listed program must not be made to start another one through its
/// arguments. Programs that exist to run others are refused even when listed; for the rest, the options
/// that run a program are refused (find -exec, tar --to-command, ...) or switched off (git hooks, sed's
/// e command). docs/security-shell.md lists every rule and what stays possible.
/// </summary>
internal static class AllowlistGuard
{
    private static readonly Dictionary<string, string> RefusedPrograms = Group(
        ("a shell", ["sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "fish", "csh", "tcsh", "busybox", "toybox", "pwsh"]),
        ("an interpreter: it runs whatever code it is given", ["python", "perl", "ruby", "node", "nodejs", "deno", "bun", "php", "lua",
            "luajit", "tclsh", "wish", "rscript", "irb", "jshell", "osascript", "expect", "gdb", "lldb"]),
        ("a wrapper that runs the program named in its arguments", ["env", "xargs", "nohup", "timeout", "nice", "ionice", "stdbuf",
            "setsid", "chroot", "unshare", "nsenter", "setpriv", "runuser", "su", "sudo", "doas", "pkexec", "chrt", "taskset", "prlimit",
            "flock", "watch", "script", "time", "strace", "ltrace", "valgrind", "systemd-run", "capsh", "fakeroot", "firejail", "bwrap",
            "sandbox-exec", "parallel", "entr"]),
        ("an editor or pager: its commands run programs", ["vi", "vim", "nvim", "view", "ex", "ed", "emacs", "less", "more", "most", "man", "pg"]),
        ("a build or package tool: it runs the project's scripts", ["make", "gmake", "cmake", "ninja", "npm", "npx", "yarn", "pnpm", "pip",
            "pipx", "uv", "poetry", "cargo", "go", "dotnet", "mvn", "gradle", "ant", "rake", "bundle", "composer", "tox", "nox", "pytest"]),
        ("a program that runs commands it is given (elsewhere, later or in a session)", ["ssh", "scp", "sftp", "socat", "nc", "ncat",
            "netcat", "tmux", "screen", "at", "batch", "crontab", "docker", "podman", "kubectl", "xdg-open", "open", "sqlite3", "psql",
            "mysql", "mariadb", "hg"]));

    /// <summary>How a program spells the options that make it run another program.</summary>
    private enum Spelling
    {
        /// <summary>Whole words only (find's -exec).</summary>
        Words,

        /// <summary>getopt: also --option=value, -Xvalue and clusters such as rsync's -avze.</summary>
        Getopt,

        /// <summary>Any word starting with the option (gcc's -Bdir, -fplugin=...).</summary>
        Prefix,
    }

    private static readonly Dictionary<string, (Spelling Spelling, string[] Options)> RefusedOptions =
        new(StringComparer.Ordinal)
        {
            ["find"] = (Spelling.Words, ["-exec", "-execdir", "-ok", "-okdir"]),
            ["tar"] = (Spelling.Getopt, ["--to-command", "--checkpoint-action", "--use-compress-program", "-I", "--rsh-command",
                "--rmt-command", "--info-script", "--new-volume-script", "-F"]),
            ["rsync"] = (Spelling.Getopt, ["-e", "--rsh", "--rsync-path", "--daemon", "--config"]),
            ["sort"] = (Spelling.Getopt, ["--compress-program"]),
            ["split"] = (Spelling.Getopt, ["--filter"]),
            ["zip"] = (Spelling.Words, ["-TT", "--unzip-command"]),
            ["rg"] = (Spelling.Getopt, ["--pre"]),
            ["fd"] = (Spelling.Getopt, ["-x", "--exec", "-X", "--exec-batch"]),
            ["wget"] = (Spelling.Getopt, ["--use-askpass", "-e", "--execute"]),
            // A response file (@file) would bring options that cannot be seen here.
            ["gcc"] = (Spelling.Prefix, ["-wrapper", "-fplugin", "-B", "-specs", "--specs", "@"]),
        };

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["cc"] = "gcc", ["c++"] = "gcc", ["g++"] = "gcc", ["clang"] = "gcc", ["clang++"] = "gcc",
        ["gtar"] = "tar", ["bsdtar"] = "tar", ["fdfind"] = "fd", ["gawk"] = "awk", ["mawk"] = "awk", ["nawk"] = "awk",
    };

    /// <summary>Why this command is refused in allowlist mode, or null when it may run.</summary>
    public static string? Refusal(IReadOnlyList<string> words)
    {
        var program = Family(words[0]);
        if (RefusedPrograms.TryGetValue(program, out var what))
        {
            return $"'{words[0]}' is refused in allowlist mode even when listed: it is {what}. Use normal mode (an empty skills.shell.allow) to run it in the sandbox";
        }
        var args = words.Skip(1).ToList();
        if (program == "tar" && args.Count > 0 && !args[0].StartsWith('-'))
        {
            args[0] = "-" + args[0]; // old-style bundled options: tar xIf prog archive
        }
        var why = program switch
        {
            "awk" => AwkRefusal(args),
            "git" => GitGuard.Refusal(args),
            "rsync" or "tar" when RemoteRefusal(args) is { } remote => remote,
            _ when RefusedOptions.TryGetValue(program, out var refused) &&
                args.SelectMany(arg => refused.Options.Where(option => Matches(arg, option, refused.Spelling))).FirstOrDefault() is { } option
                => $"'{option}' runs another program",
            _ => null,
        };
        return why is null ? null : $"'{words[0]}' is refused in allowlist mode: {why}";
    }

    /// <summary>argv as it runs: the same words, with the exec-capable features of a few programs switched off.</summary>
    public static IReadOnlyList<string> Harden(string resolved, IReadOnlyList<string> words) => Family(words[0]) switch
    {
        // GNU sed's e command and s///e flag run commands; --sandbox refuses them (and r/w).
        "sed" when OperatingSystem.IsLinux() => [resolved, "--sandbox", .. words.Skip(1)],
        "git" => [resolved, .. GitGuard.Harden(words.Skip(1).ToList())],
        _ => [resolved, .. words.Skip(1)],
    };

    /// <summary>python3.11 → python, gcc-12 → gcc, cc → gcc: versions and other names of the same program.</summary>
    private static string Family(string program)
    {
        var name = program.ToLowerInvariant();
        var bare = name.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '.', '-');
        name = bare.Length > 0 && (RefusedPrograms.ContainsKey(bare) || RefusedOptions.ContainsKey(bare) || Aliases.ContainsKey(bare)) ? bare : name;
        return Aliases.GetValueOrDefault(name, name);
    }

    private static bool Matches(string arg, string option, Spelling spelling) => spelling switch
    {
        Spelling.Prefix => arg.StartsWith(option, StringComparison.Ordinal),
        Spelling.Getopt when IsShort(option) && IsShort(arg[..Math.Min(2, arg.Length)]) => arg.Contains(option[1], StringComparison.Ordinal),
        Spelling.Getopt => arg == option || arg.StartsWith(option + "=", StringComparison.Ordinal),
        _ => arg == option,
    };

    private static bool IsShort(string option) => option.Length == 2 && option[0] == '-' && option[1] != '-';

    /// <summary>awk's system(), pipes to and from commands and gawk's extensions run programs; program files cannot be checked.</summary>
    private static string? AwkRefusal(List<string> args)
    {
        foreach (var arg in args)
        {
            if (arg.StartsWith("--file", StringComparison.Ordinal) || arg.StartsWith("--exec", StringComparison.Ordinal) ||
                arg.StartsWith("--load", StringComparison.Ordinal) || arg.StartsWith("--include", StringComparison.Ordinal) ||
                (arg.Length >= 2 && arg[0] == '-' && arg[1] is 'f' or 'E' or 'l' or 'i'))
            {
                return $"'{arg}' loads awk code from a file, which cannot be checked";
            }
            if (arg.Contains("system", StringComparison.Ordinal) || arg.Contains('|', StringComparison.Ordinal) || arg.Contains('@', StringComparison.Ordinal))
            {
                return "its program uses system(), a pipe ('|') or '@' (extensions, indirect calls), which run other programs";
            }
        }
        return null;
    }

    /// <summary>host:path (not host::module or rsync://): rsync and tar reach it through ssh or rsh, whose config can run programs.</summary>
    private static string? RemoteRefusal(List<string> args) =>
        args.FirstOrDefault(arg => !arg.StartsWith('-') && arg.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon &&
            !arg[..colon].Contains('/', StringComparison.Ordinal) && !arg[(colon + 1)..].StartsWith(':') && !arg.Contains("://", StringComparison.Ordinal))
            is { } remote ? $"'{remote}' is a remote path, reached through ssh or rsh, which can run programs" : null;

    private static Dictionary<string, string> Group(params (string Why, string[] Names)[] groups) =>
        groups.SelectMany(group => group.Names.Select(name => (name, group.Why)))
            .ToDictionary(pair => pair.name, pair => pair.Why, StringComparer.Ordinal);
}
