using System.Text.Json;
using OpenMotoko.Settings;

namespace OpenMotoko.Skills.Shell;

/// <summary>
/// The shell settings a call runs under: allowlisted program names (none = normal mode), network access,
/// and whether commands may run unconfined where there is no sandbox.
/// </summary>
internal sealed record ShellPolicy(IReadOnlyList<string> Allow, bool Network, bool Unsandboxed = false)
{
    public static readonly ShellPolicy Default = new([], true);

    public static ShellPolicy From(SettingsStore settings)
    {
        var allow = settings.Get(SettingsCatalog.ShellAllow) is { ValueKind: JsonValueKind.Array } list
            ? [.. list.EnumerateArray().Select(static item => item.GetString()!).Where(static name => name.Length > 0)]
            : Array.Empty<string>();
        var network = settings.Get(SettingsCatalog.ShellNetwork) is not { ValueKind: JsonValueKind.False };
        return new ShellPolicy(allow, network, AllowsUnsandboxed(settings));
    }

    /// <summary>skills.shell.unsandboxed: the owner lets commands run with the daemon's own rights where no sandbox exists.</summary>
    public static bool AllowsUnsandboxed(SettingsStore settings) => settings.Get(SettingsCatalog.ShellUnsandboxed) is { ValueKind: JsonValueKind.True };

    /// <summary>
    /// Only what a command needs: never the daemon's own variables (provider keys, tokens, the password).
    /// HOME is the workspace so dotfiles a tool writes stay inside it.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Environment(string workspace, string cwd) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["PATH"] = Executables.SearchPath,
        ["HOME"] = workspace,
        ["PWD"] = cwd,
        ["TMPDIR"] = "/tmp",
        ["LANG"] = "C.UTF-8",
        ["LC_ALL"] = "C.UTF-8",
        ["TERM"] = "dumb",
        ["SHELL"] = "/bin/sh",
        ["USER"] = System.Environment.UserName,
        ["LOGNAME"] = System.Environment.UserName,
    };
}
