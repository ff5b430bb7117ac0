using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OpenMotoko.Hosting;
using OpenMotoko.Skills.Shell;

namespace OpenMotoko.Channels.Plugins;

/// <summary>
/// Installs a plugin: an npm package (<c>npm install --ignore-scripts</c> into its own directory under
/// the data dir, without a shell, with a timeout and with none of the daemon's environment but npm's
/// own configuration and the proxy variables) or a local
/// executable or package directory used in place. The entry comes from package.json's <c>openmotoko</c> field.
/// </summary>
internal sealed partial class PluginInstaller(PluginStore plugins, PluginRunner runner, EnvironmentSnapshot environment, TimeProvider time,
    ILogger<PluginInstaller> logger)
{
    private static readonly TimeSpan NpmTimeout = TimeSpan.FromMinutes(5);

    public async Task<PluginRow> InstallAsync(PluginInstallRequest request, Func<string, bool> taken, CancellationToken cancellationToken)
    {
        var id = request.Id ?? Slug(request.PackageName is { } spec ? PluginInstallRequest.NameOf(spec) : Path.GetFileNameWithoutExtension(request.Path!.TrimEnd('/')));
        if (taken(id))
        {
            throw new ApiException(StatusCodes.Status409Conflict, ErrorCodes.Conflict,
                $"A channel '{id}' already exists. Remove it first (DELETE /api/channel-plugins/{id}) or install under another id.");
        }
        var home = runner.Home(id);
        if (request.PackageName is { } package)
        {
            var dir = await NpmInstallAsync(package, home, cancellationToken);
            string entry;
            try
            {
                entry = Command(dir);
            }
            catch (ApiException)
            {
                Directory.Delete(home, recursive: true);
                throw;
            }
            return await plugins.AddAsync(id, PluginSources.Npm, package, dir, entry, cancellationToken);
        }
        var path = Path.GetFullPath(request.Path!);
        var command = Directory.Exists(path) ? Command(path)
            : File.Exists(path) ? Serialize(Argv(path))
            : throw Failed($"Nothing at {path}: give the absolute path of an executable or of a package directory.");
        Directory.CreateDirectory(home);
        PluginsLog.Installed(logger, id, PluginSources.Path, path);
        return await plugins.AddAsync(id, PluginSources.Path, null, path, command, cancellationToken);
    }

    private async Task<string> NpmInstallAsync(string package, string home, CancellationToken cancellationToken)
    {
        var searchPath = environment.Get("PATH") ?? Executables.SearchPath;
        var npm = Executables.Find("npm", searchPath)
            ?? throw Failed("npm is not on the daemon's PATH, so npm packages cannot be installed. Install Node.js (with npm), or install the plugin from a local path: {\"path\": \"/abs/path\"}.");
        Directory.CreateDirectory(home);
        var npmEnvironment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in environment.Names.Where(NpmSees))
        {
            npmEnvironment[name] = environment.Get(name)!;
        }
        npmEnvironment["PATH"] = searchPath;
        npmEnvironment["HOME"] = home;
        npmEnvironment["npm_config_update_notifier"] = "false";
        var result = await new CommandRunner(time).RunAsync(
            [npm, "install", "--ignore-scripts", "--no-audit", "--no-fund", "--prefix", home, package], home, npmEnvironment,
            NpmTimeout, cancellationToken);
        if (result.ExitCode != 0)
        {
            Directory.Delete(home, recursive: true);
            var why = result.TimedOut ? $"it took longer than {NpmTimeout.TotalMinutes} minutes" : Tail(result.Stderr.Length > 0 ? result.Stderr : result.Stdout);
            throw Failed($"npm install {package} failed: {why}");
        }
        PluginsLog.Installed(logger, Path.GetFileName(home), PluginSources.Npm, package);
        return Path.Combine(home, "node_modules", PluginInstallRequest.NameOf(package));
    }

    /// <summary>
    /// The daemon's variables npm gets besides PATH and HOME: npm's own configuration (a private
    /// registry, its token, a cache, <c>npm_config_userconfig</c> for an .npmrc) and what a network
    /// may need (proxies, Node's extra CA certificates behind a TLS-inspecting proxy). Nothing else
    /// of the daemon's environment (provider keys, the password) reaches npm or the package.
    /// </summary>
    private static bool NpmSees(string name) =>
        name.StartsWith("npm_config_", StringComparison.OrdinalIgnoreCase)
        || name.Equals("HTTP_PROXY", StringComparison.OrdinalIgnoreCase) || name.Equals("HTTPS_PROXY", StringComparison.OrdinalIgnoreCase)
        || name.Equals("NO_PROXY", StringComparison.OrdinalIgnoreCase) || name.Equals("NODE_EXTRA_CA_CERTS", StringComparison.Ordinal);

    /// <summary>The argv of a package directory's entry (package.json's <c>openmotoko</c> field, inside the directory).</summary>
    private string Command(string dir)
    {
        var manifest = Path.Combine(dir, "package.json");
        JsonNode? entry;
        try
        {
            entry = JsonNode.Parse(File.ReadAllText(manifest))?["openmotoko"];
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException or InvalidOperationException)
        {
            throw Failed($"{manifest} could not be read as JSON: {ex.Message}");
        }
        if (entry?.GetValueKind() != JsonValueKind.String || entry.GetValue<string>() is not { Length: > 0 } relative || Path.IsPathRooted(relative))
        {
            throw Failed($"{manifest} has no 'openmotoko' field naming the plugin's entry (a path inside the package, e.g. \"openmotoko\": \"plugin.js\").");
        }
        var root = Path.GetFullPath(dir);
        var file = Path.GetFullPath(Path.Combine(root, relative));
        if (!file.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) || !File.Exists(file))
        {
            throw Failed($"The 'openmotoko' entry '{relative}' is not a file inside {root}.");
        }
        return Serialize(Argv(file));
    }

    /// <summary>Scripts run with their interpreter from PATH; anything else must be executable itself.</summary>
    private string[] Argv(string file)
    {
        var interpreter = Path.GetExtension(file) switch
        {
            ".js" or ".mjs" or ".cjs" => "node",
            ".py" => "python3",
            _ => null,
        };
        if (interpreter is null)
        {
            return OperatingSystem.IsWindows() || (File.GetUnixFileMode(file) & UnixFileMode.UserExecute) != 0 ? [file]
                : throw Failed($"{file} is not executable (chmod +x it), and it is not a .js or .py script.");
        }
        var found = Executables.Find(interpreter, environment.Get("PATH") ?? Executables.SearchPath)
            ?? throw Failed($"{file} needs {interpreter}, which is not on the daemon's PATH.");
        return [found, file];
    }

    private static string Serialize(string[] argv) => JsonSerializer.Serialize(argv, PluginWireJsonContext.Default.StringArray);

    private static string Slug(string name)
    {
        var slug = NotSlug().Replace(name.ToLowerInvariant().Replace("openmotoko-", "", StringComparison.Ordinal), static _ => "-").Trim('-');
        slug = slug.Length == 0 ? "plugin" : char.IsAsciiLetterLower(slug[0]) ? slug : "p-" + slug;
        return slug.Length > 40 ? slug[..40].TrimEnd('-') : slug;
    }

    private static string Tail(string text) => text.Trim() is var trimmed && trimmed.Length > 1000 ? "…" + trimmed[^1000..] : text.Trim();

    private static ApiException Failed(string message) => new(StatusCodes.Status400BadRequest, PluginErrorCodes.InstallFailed, message);

    [GeneratedRegex("[^a-z0-9]+")]
    private static partial Regex NotSlug();
}
