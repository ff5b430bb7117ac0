using System.Globalization;
using OpenMotoko.Hosting;
using OpenMotoko.Settings;
using OpenMotoko.Tailscale;

namespace OpenMotoko.Cli;

/// <summary>doctor's checks of the machine around the daemon: the service, Tailscale, disk, clock, and whether the providers answer.</summary>
internal static class DoctorOperations
{
    private const long LowSpace = 1L << 30;
    private const long TooLittleSpace = 100L << 20;
    private static readonly TimeSpan ProviderTimeout = TimeSpan.FromSeconds(5);

    public static void CheckService(DoctorCommand.Report report, EnvironmentSnapshot environment)
    {
        var home = environment.Get("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (OperatingSystem.IsMacOS())
        {
            var plist = Path.Combine(home, "Library", "LaunchAgents", ServiceFile.Label + ".plist");
            (File.Exists(plist) ? (Action<string>)report.Ok : report.Warn)(File.Exists(plist)
                ? $"service installed ({plist}); 'openmotoko service status' says whether it runs"
                : "not installed as a service: run 'openmotoko service install' to start it at login");
            return;
        }
        var user = Path.Combine(home, ".config", "systemd", "user", ServiceFile.UnitName);
        var system = Path.Combine("/etc/systemd/system", ServiceFile.UnitName);
        string[]? query = File.Exists(system) ? ["systemctl", "is-active", ServiceFile.UnitName]
            : File.Exists(user) ? ["systemctl", "--user", "is-active", ServiceFile.UnitName] : null;
        if (query is null)
        {
            report.Warn("not installed as a service: run 'openmotoko service install' so it starts at boot and restarts on failure");
            return;
        }
        var scope = query.Length == 3 ? "" : " --user";
        var (exit, output) = SystemCommands.Capture(query, environment, TimeSpan.FromSeconds(5));
        var state = exit < 0 ? "unknown" : output.Split('\n')[0].Trim();
        if (state == "active")
        {
            report.Ok($"service installed{(scope.Length > 0 ? " (per user)" : "")} and active");
        }
        else if (state == "failed")
        {
            report.Fail($"service installed but failed: see 'openmotoko service logs{scope}', then 'systemctl{scope} restart openmotoko'");
        }
        else
        {
            report.Warn($"service installed but {state}: start it with 'systemctl{scope} start openmotoko'");
        }
    }

    public static async Task CheckTailscaleAsync(DoctorCommand.Report report, EnvironmentSnapshot environment, CancellationToken cancellationToken)
    {
        var cli = new TailscaleCli(environment);
        if (cli.Path is null)
        {
            report.Warn("Tailscale is not installed (optional, for reaching the daemon from your phone): see https://tailscale.com/download");
            return;
        }
        try
        {
            var status = await cli.RunAsync(["status", "--json"], cancellationToken);
            using var json = System.Text.Json.JsonDocument.Parse(status.Output.TrimStart().StartsWith('{') ? status.Output : "{}");
            var state = TailscaleStatusReader.Status(json.RootElement, new ServeState(false, null, null));
            if (!state.Running)
            {
                report.Warn($"Tailscale is installed but not logged in or not up ({state.BackendState ?? "tailscaled does not answer"}): run 'sudo tailscale up'");
                return;
            }
            report.Ok($"Tailscale is up as {state.DnsName ?? state.Hostname} on {state.Tailnet ?? "your tailnet"}");
            var serveStatus = await cli.RunAsync(["serve", "status", "--json"], cancellationToken);
            using var serveJson = System.Text.Json.JsonDocument.Parse(serveStatus.Output.TrimStart().StartsWith('{') ? serveStatus.Output : "{}");
            var serve = TailscaleStatusReader.Serve(serveJson.RootElement, state.DnsName);
            (serve.Enabled ? (Action<string>)report.Ok : report.Warn)(serve.Enabled
                ? $"Tailscale serves HTTPS at {serve.Url}"
                : "Tailscale does not serve the daemon: run 'tailscale serve --bg 3457' (your port) or POST /api/tailscale/serve/start");
        }
        catch (Exception ex) when (ex is ApiException or System.Text.Json.JsonException)
        {
            report.Warn($"Tailscale: {ex.Message}");
        }
    }

    public static void CheckFreeSpace(DoctorCommand.Report report, string dataDir)
    {
        long free;
        try
        {
            free = new DriveInfo(Path.GetFullPath(dataDir)).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            report.Warn($"cannot tell the free space in {dataDir}: {ex.Message}");
            return;
        }
        var text = $"{free / (1024.0 * 1024 * 1024):0.0} GB free in {dataDir}";
        if (free < TooLittleSpace)
        {
            report.Fail($"only {text}: the database cannot grow; free some space (old backups, logs) or move the data dir");
        }
        else if (free < LowSpace)
        {
            report.Warn($"only {text}: free some space soon");
        }
        else
        {
            report.Ok(text);
        }
    }

    /// <summary>A clock before this software existed breaks TLS and schedules; timedatectl (where present) says whether NTP keeps it right.</summary>
    public static void CheckClock(DoctorCommand.Report report, EnvironmentSnapshot environment, TimeProvider time)
    {
        var now = time.GetUtcNow();
        if (now.Year < 2026)
        {
            report.Fail($"the clock says {now:yyyy-MM-dd}: set the time (sudo timedatectl set-ntp true, or date -s) or TLS and schedules fail");
            return;
        }
        var (exit, output) = SystemCommands.Capture(["timedatectl", "show", "--property=NTPSynchronized", "--value"], environment, TimeSpan.FromSeconds(5));
        var synced = exit == 0 ? output.Trim() : null;
        if (synced == "no")
        {
            report.Warn($"the clock ({now.ToString("u", CultureInfo.InvariantCulture)}) is not synchronised by NTP: run 'sudo timedatectl set-ntp true'");
        }
        else
        {
            report.Ok($"the clock says {now.ToString("u", CultureInfo.InvariantCulture)}{(synced == "yes" ? ", synchronised by NTP" : "")}");
        }
    }

    /// <summary>One GET to each configured provider's base URL: any HTTP answer means it is reachable (no key is sent).</summary>
    public static async Task CheckReachabilityAsync(DoctorCommand.Report report, SettingsStore settings, IEnumerable<string> providers, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = ProviderTimeout };
        foreach (var provider in providers)
        {
            var key = provider switch
            {
                "anthropic" => SettingsCatalog.AnthropicBaseUrl,
                "openai" => SettingsCatalog.OpenAiBaseUrl,
                "google" => SettingsCatalog.GoogleAiBaseUrl,
                "generic" => SettingsCatalog.GenericBaseUrl,
                "ollama" => SettingsCatalog.OllamaHost,
                _ => null,
            };
            if (key is null || settings.GetString(key) is not { } url || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
            {
                continue;
            }
            try
            {
                using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                report.Ok($"provider {provider} answers at {uri.GetLeftPart(UriPartial.Authority)}");
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                report.Fail($"provider {provider} does not answer at {uri.GetLeftPart(UriPartial.Authority)} within {ProviderTimeout.TotalSeconds:0} s: " +
                    $"check the network (DNS, firewall, proxy) or the {key} setting");
            }
        }
    }
}
