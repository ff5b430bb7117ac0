using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Primitives;
using OpenMotoko.Activity;
using OpenMotoko.Agent;
using OpenMotoko.Approvals;
using OpenMotoko.Artifacts;
using OpenMotoko.Auth;
using OpenMotoko.Channels;
using OpenMotoko.Channels.Plugins;
using OpenMotoko.Conversations;
using OpenMotoko.Costs;
using OpenMotoko.Events;
using OpenMotoko.Health;
using OpenMotoko.OpenAiCompat;
using OpenMotoko.Providers;
using OpenMotoko.Registry;
using OpenMotoko.Scheduler;
using OpenMotoko.Settings;
using OpenMotoko.Skills;
using OpenMotoko.Skills.Files;
using OpenMotoko.Skills.Shell;
using OpenMotoko.Skills.Web;
using OpenMotoko.Storage;
using OpenMotoko.Tailscale;
using OpenMotoko.Webhooks;
using OpenMotoko.WebApp;

namespace OpenMotoko.Hosting;

/// <summary>Builds the daemon: the one pipeline that `serve` runs and the tests start.</summary>
internal static class DaemonHost
{
    private static readonly StringValues NoSniff = "nosniff";
    private static readonly StringValues NoReferrer = "no-referrer";
    private static readonly StringValues DenyFrames = "DENY";
    private static readonly StringValues ApiPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public static WebApplication Build(DaemonOptions options, TimeProvider? timeProvider = null, Action<IServiceCollection>? configureServices = null)
    {
        var time = timeProvider ?? TimeProvider.System;
        PrivateFiles.CreateDirectory(options.DataDir);
        var database = new Database(options.DatabasePath, time);
        var migrations = Migrator.Migrate(database);
        var settings = new SettingsStore(database, options.Environment, time);
        var password = new OwnerPassword(database, options.Environment, time);
        if (settings.IgnoredEnvironment.FirstOrDefault(m => m.StartsWith("OPENMOTOKO_", StringComparison.Ordinal)) is { } badVariable)
        {
            throw new StartupException(badVariable); // our own variables must not be silently dropped (e.g. a host or port)
        }
        if (password.EnvironmentProblem is { } weakPassword)
        {
            throw new StartupException(weakPassword);
        }

        var host = options.Host ?? settings.GetString(SettingsCatalog.AppHost)!;
        var port = options.Port ?? settings.GetInt32(SettingsCatalog.AppPort);
        if (BindRule.Refusal(host, port, password.IsConfigured) is { } refusal)
        {
            throw new StartupException(refusal);
        }
        PortProbe.ThrowIfTaken(host, port);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            // Nothing is configured from files, and a reload watcher on the data dir would wake on every database write.
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ApplicationName = "openmotoko",
            ContentRootPath = options.DataDir,
        });
        builder.Configuration.Sources.Clear();
        ConfigureLogging(builder.Logging, options.LogLevel);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) && port != 0)
            {
                kestrel.ListenLocalhost(port);
            }
            else
            {
                kestrel.Listen(string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback : IPAddress.Parse(host), port);
            }
        });

        var services = builder.Services;
        services.AddSingleton(time);
        services.AddSingleton(options);
        services.AddSingleton(options.Environment);
        services.AddSingleton(database);
        services.AddJsonContext(HostingJsonContext.Default);
        // Each feature registers its own services, JSON contract and (below) routes. The order of the
        // bus's subscribers is the order here: the activity log, then costs, then the runs' own streams.
        services.AddEvents();
        services.AddHealth(time);
        services.AddSettings(settings);
        services.AddAuth(password);
        services.AddActivity();
        services.AddCosts();
        services.AddApprovals();
        services.AddSkills();
        services.AddWebSkill();
        services.AddRegistry();
        services.AddFilesystemSkill();
        services.AddShellSkill();
        services.AddProviders();
        services.AddConversations();
        services.AddAgent();
        services.AddScheduler();
        services.AddArtifacts();
        services.AddWebhooks();
        services.AddChannels();
        services.AddChannelPlugins();
        services.AddServiceWatchdog();
        services.AddTailscale();
        services.AddWebApp();
        if (options.TrimMemoryWhenIdle)
        {
            services.AddHostedService(sp => new IdleMemoryTrim(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<IdleMemoryTrim>>()));
        }
        // HttpClientFactory's per-request log scope and lines: we log outcomes ourselves, and a provider
        // call is on every message's path.
        services.ConfigureHttpClientDefaults(http => http.RemoveAllLoggers());
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        var corsOrigins = options.CorsOrigins;
        if (corsOrigins.Length > 0)
        {
            services.AddCors(cors => cors.AddDefaultPolicy(policy =>
                policy.WithOrigins(corsOrigins).AllowAnyHeader().AllowAnyMethod().AllowCredentials()
                    .WithExposedHeaders(Conversations.MessagesApi.RunIdHeader))); // a browser client may read the run's id
        }

        configureServices?.Invoke(services); // tests add fakes of outside things (e.g. a slow tool)
        var app = builder.Build();
        // Set as the response starts, so answers written after Response.Clear() (errors) keep them;
        // a handler that sets its own (e.g. a CSP for HTML) keeps its value.
        app.Use(static (context, next) =>
        {
            context.Response.OnStarting(static state =>
            {
                var headers = ((HttpResponse)state).Headers;
                headers.TryAdd("X-Content-Type-Options", NoSniff);
                headers.TryAdd("Referrer-Policy", NoReferrer);
                headers.TryAdd("X-Frame-Options", DenyFrames);
                headers.TryAdd("Content-Security-Policy", ApiPolicy);
                return Task.CompletedTask;
            }, context.Response);
            return next(context);
        });
        app.UseMiddleware<ErrorEnvelopeMiddleware>();
        app.UseRequestGuards(host, options);
        if (corsOrigins.Length > 0)
        {
            app.UseCors();
        }
        app.UseRouting();
        app.UseWebApp(); // the embedded web app: GET paths no route matched, before the access check
        app.UseMiddleware<AccessControlMiddleware>();
        app.MapHealth();
        app.MapAuth();
        app.MapSettings();
        app.MapSkills();
        app.MapApprovals();
        app.MapRegistry();
        app.MapCosts();
        app.MapActivity();
        app.MapEvents();
        app.MapModels();
        app.MapConversations();
        app.MapAgents();
        app.MapScheduler();
        app.MapArtifacts();
        app.MapWebhooks();
        app.MapChannels();
        app.MapChannelPlugins();
        app.MapOpenAiCompat();
        app.MapTailscale();

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("OpenMotoko");
        database.Logger = app.Services.GetRequiredService<ILogger<Database>>();
        foreach (var ignored in settings.IgnoredEnvironment)
        {
            HostingLog.IgnoredEnvironment(logger, ignored);
        }
        if (migrations > 0)
        {
            HostingLog.Migrated(logger, database.Path, migrations, Migrator.LatestVersion);
        }
        var lifetime = app.Lifetime;
        lifetime.ApplicationStarted.Register(() =>
        {
            HostingLog.Listening(logger, BuildInfo.Version, string.Join(", ", app.Urls));
            if (!password.IsConfigured)
            {
                HostingLog.NoPassword(logger);
            }
        });
        lifetime.ApplicationStopped.Register(() =>
        {
            HostingLog.Stopping(logger);
            SqliteConnection.ClearAllPools();
            database.Checkpoint();
        });
        return app;
    }

    private static void ConfigureLogging(ILoggingBuilder logging, LogLevel level)
    {
        logging.ClearProviders();
        logging.Services.AddSingleton<ILoggerProvider>(_ => new LineLoggerProvider());
        logging.SetMinimumLevel(level);
        // Framework chatter (a line per request) costs throughput and floods journald.
        logging.AddFilter("Microsoft", level > LogLevel.Warning ? level : LogLevel.Warning);
        logging.AddFilter("System.Net.Http", level > LogLevel.Warning ? level : LogLevel.Warning);
    }
}
