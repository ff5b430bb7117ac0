using System.CommandLine;
using OpenMotoko.Hosting;
using OpenMotoko.Storage;

namespace OpenMotoko.Cli;

internal sealed class ServeCommand : Command
{
    private static readonly Option<string?> HostOption = new("--host")
    {
        Description = "Address to listen on (default: $OPENMOTOKO_HOST, the app.host setting, else 127.0.0.1). Non-loopback needs a password.",
    };

    private static readonly Option<int?> PortOption = new("--port", "-p")
    {
        Description = "Port to listen on (default: $OPENMOTOKO_PORT, the app.port setting, else 3457).",
    };

    private static readonly Option<string?> DataDirOption = CommonOptions.DataDir();

    public ServeCommand(CliContext context) : base("serve", "Run the daemon: the API on the given address, with the database in the data directory.")
    {
        Options.Add(HostOption);
        Options.Add(PortOption);
        Options.Add(DataDirOption);
        SetAction(async (parseResult, cancellationToken) =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            if (context.OwnsProcess)
            {
                ProcessHardening.Apply(context.Environment); // before anything starts a thread or a child that could inherit a secret
            }
            if (Posix.IsRoot)
            {
                error.WriteLine($"openmotoko: warning: {ProcessHardening.RootWarning}");
            }
            var dataDir = DataDirectory.Resolve(parseResult.GetValue(DataDirOption), context.Environment);
            var databasePath = new DaemonOptions { DataDir = dataDir, Environment = context.Environment }.DatabasePath;
            try
            {
                PrivateFiles.CreateDirectory(dataDir);
                using var dataDirLock = DataDirLock.TryAcquire(dataDir); // `restore` checks it; held until the process ends
                if (dataDirLock is null)
                {
                    error.WriteLine($"openmotoko: another openmotoko is already running with the data dir {dataDir}. Stop it, or use another --data-dir.");
                    return ExitCodes.StartupFailed;
                }
                var options = DaemonOptions.FromEnvironment(dataDir, parseResult.GetValue(HostOption), parseResult.GetValue(PortOption), context.Environment)
                    with { TrimMemoryWhenIdle = context.OwnsProcess };
                await using var app = DaemonHost.Build(options);
                await app.RunAsync();
                return ExitCodes.Ok;
            }
            catch (Exception ex) when (ex is StartupException or DatabaseTooNewException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"openmotoko: {ex.Message}");
                return ExitCodes.StartupFailed;
            }
            catch (Microsoft.Data.Sqlite.SqliteException ex)
            {
                error.WriteLine($"openmotoko: cannot use the database {databasePath}: {ex.Message} Restore a backup or point OPENMOTOKO_DB_PATH at another file.");
                return ExitCodes.StartupFailed;
            }
        });
    }
}
