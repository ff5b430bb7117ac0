using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using OpenMotoko.Auth;
using OpenMotoko.Hosting;
using OpenMotoko.Providers;
using OpenMotoko.Providers.Ollama;
using OpenMotoko.Settings;
using OpenMotoko.Storage;

namespace OpenMotoko.Cli;

/// <summary>Checks that the daemon can run here, one line per check; exits non-zero when any check fails.</summary>
internal sealed class DoctorCommand : Command
{
    private static readonly Option<string?> DataDirOption = CommonOptions.DataDir();
    private static readonly Option<string?> HostOption = new("--host") { Description = "The address `serve` would listen on." };
    private static readonly Option<int?> PortOption = new("--port", "-p") { Description = "The port `serve` would listen on." };

    public DoctorCommand(CliContext context) : base("doctor", "Check the data dir, database, password, bind address, providers, port, disk, clock, service and Tailscale.")
    {
        Options.Add(DataDirOption);
        Options.Add(HostOption);
        Options.Add(PortOption);
        SetAction(async (parseResult, cancellationToken) =>
        {
            var report = new Report(parseResult.InvocationConfiguration.Output);
            var dataDir = DataDirectory.Resolve(parseResult.GetValue(DataDirOption), context.Environment);
            if (!CheckDataDir(report, dataDir))
            {
                return report.ExitCode;
            }
            var options = new DaemonOptions { DataDir = dataDir, Environment = context.Environment };
            var database = CheckDatabase(report, options.DatabasePath);
            if (database is null)
            {
                return report.ExitCode;
            }
            var settings = new SettingsStore(database, context.Environment, TimeProvider.System);
            var password = new OwnerPassword(database, context.Environment, TimeProvider.System);
            var host = parseResult.GetValue(HostOption) ?? settings.GetString(SettingsCatalog.AppHost)!;
            var port = parseResult.GetValue(PortOption) ?? settings.GetInt32(SettingsCatalog.AppPort);

            if (password.EnvironmentProblem is { } weakPassword)
            {
                report.Fail(weakPassword); // serve refuses it
            }
            else if (password.IsConfigured)
            {
                report.Ok($"password set ({(password.IsFromEnvironment ? "OPENMOTOKO_PASSWORD" : "stored hash")})");
            }
            else
            {
                report.Warn("no password: the daemon serves loopback only and nobody can log in; run 'openmotoko passwd' or set OPENMOTOKO_PASSWORD");
            }
            try
            {
                DaemonOptions.FromEnvironment(dataDir, host, port, context.Environment); // the lists `serve` would refuse
            }
            catch (StartupException ex)
            {
                report.Fail(ex.Message);
            }
            foreach (var ignored in settings.IgnoredEnvironment)
            {
                // Our own variables stop `serve`; a provider's (e.g. Ollama's own OLLAMA_HOST) is only skipped.
                Action<string> line = ignored.StartsWith("OPENMOTOKO_", StringComparison.Ordinal) ? report.Fail : report.Warn;
                line(ignored);
            }
            CheckBind(report, host, port, password.IsConfigured);
            var providers = CheckProviders(report, settings);
            CheckSandbox(report, settings);
            await CheckPortAsync(report, host, port, cancellationToken);
            DoctorOperations.CheckFreeSpace(report, dataDir);
            DoctorOperations.CheckClock(report, context.Environment, TimeProvider.System);
            DoctorOperations.CheckService(report, context.Environment);
            await DoctorOperations.CheckTailscaleAsync(report, context.Environment, cancellationToken);
            await DoctorOperations.CheckReachabilityAsync(report, settings, providers, cancellationToken);
            return report.ExitCode;
        });
    }

    private static bool CheckDataDir(Report report, string dataDir)
    {
        try
        {
            PrivateFiles.CreateDirectory(dataDir);
            var probe = Path.Combine(dataDir, $".doctor-{Environment.ProcessId}");
            File.WriteAllText(probe, "ok");
            File.Delete(probe);
            report.Ok($"data dir {dataDir} is writable");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            report.Fail($"data dir {dataDir} is not writable: {ex.Message}");
            return false;
        }
    }

    private static Database? CheckDatabase(Report report, string path)
    {
        try
        {
            var database = new Database(path);
            var applied = Migrator.Migrate(database);
            using var connection = database.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA quick_check;";
            var check = command.ExecuteScalar() as string;
            if (check != "ok")
            {
                report.Fail($"database {path} is damaged: {check}. Restore a backup ('openmotoko backup' makes them).");
                return null;
            }
            report.Ok($"database {path} opens, quick_check ok (schema {Migrator.LatestVersion}{(applied > 0 ? $", {applied} migration(s) applied now" : "")})");
            return database;
        }
        catch (Exception ex) when (ex is DatabaseTooNewException or SqliteException or IOException or UnauthorizedAccessException)
        {
            report.Fail($"database {path}: {ex.Message}");
            return null;
        }
    }

    private static void CheckBind(Report report, string host, int port, bool hasPassword)
    {
        if (BindRule.Refusal(host, port, hasPassword) is { } refusal)
        {
            report.Fail($"bind {host}:{port}: {refusal}");
        }
        else if (SettingsCatalog.IsLoopback(host))
        {
            report.Ok($"bind {host} is loopback: only this machine can connect");
        }
        else
        {
            report.Warn($"bind {host} is reachable from the network: put HTTPS in front (a reverse proxy or Tailscale) so the password and tokens are not sent in clear");
        }
    }

    /// <summary>Asks the providers themselves, built as `serve` builds them, which of them are configured.</summary>
    private static List<string> CheckProviders(Report report, SettingsStore settings)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(settings);
        services.AddProviders();
        using var provider = services.BuildServiceProvider();
        // Ollama counts as configured at its default address; it is listed only when the owner chose one.
        var ollamaByDefault = settings.SourceOf(SettingsCatalog.OllamaHost) == SettingSource.Default;
        var configured = provider.GetServices<ILlmProvider>()
            .Where(p => p.IsConfigured && !(p.Id == OllamaProvider.ProviderId && ollamaByDefault)).Select(p => p.Id).ToList();
        if (configured.Count > 0)
        {
            report.Ok($"providers configured: {string.Join(", ", configured)}");
        }
        else
        {
            report.Warn($"no LLM provider configured: set ANTHROPIC_API_KEY, OPENAI_API_KEY, GOOGLE_AI_API_KEY, GENERIC_LLM_BASE_URL or OLLAMA_HOST (Ollama is tried at {settings.GetString(SettingsCatalog.OllamaHost)})");
        }
        return configured;
    }

    private static void CheckSandbox(Report report, SettingsStore settings)
    {
        foreach (var (ok, text) in Skills.Shell.ShellSkill.Diagnose(settings))
        {
            (ok ? (Action<string>)report.Ok : report.Warn)(text);
        }
        if (Posix.IsRoot)
        {
            report.Warn(ProcessHardening.RootWarning);
        }
    }

    private static async Task CheckPortAsync(Report report, string host, int port, CancellationToken cancellationToken)
    {
        if (!SettingsCatalog.IsValidHost(host))
        {
            return;
        }
        var address = string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback : IPAddress.Parse(host);
        try
        {
            using var listener = new TcpListener(address, port);
            listener.Start();
            listener.Stop();
            report.Ok($"port {port} on {host} is free");
        }
        catch (SocketException)
        {
            if (await IsOpenMotokoAsync(address, port, cancellationToken))
            {
                report.Ok($"port {port} on {host} is in use by a running openmotoko");
            }
            else
            {
                report.Fail($"port {port} on {host} is in use by another program: choose another with --port or OPENMOTOKO_PORT");
            }
        }
    }

    private static async Task<bool> IsOpenMotokoAsync(IPAddress address, int port, CancellationToken cancellationToken)
    {
        var target = IPAddress.Any.Equals(address) || IPAddress.IPv6Any.Equals(address) ? IPAddress.Loopback : address;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            var body = await http.GetStringAsync(new Uri($"http://{new IPEndPoint(target, port)}/api/health"), cancellationToken);
            return body.Contains("\"status\":\"ok\"", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    internal sealed class Report(TextWriter output)
    {
        public int ExitCode { get; private set; } = ExitCodes.Ok;

        public void Ok(string message) => output.WriteLine($"[ ok ] {message}");

        public void Warn(string message) => output.WriteLine($"[warn] {message}");

        public void Fail(string message)
        {
            output.WriteLine($"[FAIL] {message}");
            ExitCode = ExitCodes.Failure;
        }
    }
}
