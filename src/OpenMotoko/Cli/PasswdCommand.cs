using System.CommandLine;
using OpenMotoko.Auth;
using OpenMotoko.Hosting;
using OpenMotoko.Storage;

namespace OpenMotoko.Cli;

internal sealed class PasswdCommand : Command
{
    private static readonly Option<string?> DataDirOption = CommonOptions.DataDir();

    public PasswdCommand(CliContext context)
        : base("passwd", "Set the login password (read from stdin when piped, else prompted twice). Ends all sessions and lifts login lock-outs.")
    {
        Options.Add(DataDirOption);
        SetAction(async (parseResult, cancellationToken) =>
        {
            var (output, error) = context.OwnsProcess && !context.InputIsRedirected && !OperatingSystem.IsWindows()
                ? PasswordPrompt.RawTerminal()
                : (parseResult.InvocationConfiguration.Output, parseResult.InvocationConfiguration.Error);
            var (password, problem) = PasswordPrompt.Read(context, output);
            if (password is null)
            {
                error.WriteLine($"openmotoko: {problem}; nothing was changed.");
                return ExitCodes.Failure;
            }
            try
            {
                var database = StorageCommand.OpenMigrated(parseResult.GetValue(DataDirOption), context.Environment);
                var owner = new OwnerPassword(database, context.Environment, TimeProvider.System);
                await owner.SetAsync(password, cancellationToken: cancellationToken);
                await new LoginGuard(database, TimeProvider.System).UnlockAllAsync(cancellationToken);
                output.WriteLine($"Password stored (hashed) in {database.Path}. All sessions were ended and login lock-outs lifted.");
                if (owner.IsFromEnvironment)
                {
                    output.WriteLine("Note: OPENMOTOKO_PASSWORD is set, and it wins over the stored password while it is.");
                }
                return ExitCodes.Ok;
            }
            catch (Exception ex) when (StorageCommand.IsUserError(ex))
            {
                error.WriteLine($"openmotoko: {ex.Message}");
                return ExitCodes.Failure;
            }
        });
    }
}

/// <summary>Shared by the commands that work on the database without starting the daemon.</summary>
internal static class StorageCommand
{
    public static Database OpenMigrated(string? dataDirFlag, EnvironmentSnapshot environment)
    {
        var dataDir = DataDirectory.Resolve(dataDirFlag, environment);
        var options = new DaemonOptions { DataDir = dataDir, Environment = environment };
        PrivateFiles.CreateDirectory(dataDir);
        var database = new Database(options.DatabasePath);
        Migrator.Migrate(database);
        return database;
    }

    public static bool IsUserError(Exception ex) =>
        ex is DatabaseTooNewException or StartupException or IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException;
}
