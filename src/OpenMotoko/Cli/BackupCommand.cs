using System.CommandLine;
using OpenMotoko.Hosting;
using OpenMotoko.Storage;

namespace OpenMotoko.Cli;

internal sealed class BackupCommand : Command
{
    private static readonly Argument<string> FileArgument = new("FILE") { Description = "Where to write the copy of the database." };
    private static readonly Option<string?> DataDirOption = CommonOptions.DataDir();

    public BackupCommand(CliContext context)
        : base("backup", "Copy the database to FILE with SQLite's online backup; safe while the daemon runs.")
    {
        Arguments.Add(FileArgument);
        Options.Add(DataDirOption);
        SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var destination = Path.GetFullPath(parseResult.GetValue(FileArgument)!);
            try
            {
                var dataDir = DataDirectory.Resolve(parseResult.GetValue(DataDirOption), context.Environment);
                var source = new DaemonOptions { DataDir = dataDir, Environment = context.Environment }.DatabasePath;
                if (!File.Exists(source))
                {
                    error.WriteLine($"openmotoko: there is no database at {source} to back up.");
                    return ExitCodes.Failure;
                }
                if (string.Equals(source, destination, StringComparison.Ordinal))
                {
                    error.WriteLine("openmotoko: the backup must go to another file than the database itself.");
                    return ExitCodes.Failure;
                }
                if (!Directory.Exists(Path.GetDirectoryName(destination)))
                {
                    error.WriteLine($"openmotoko: the directory {Path.GetDirectoryName(destination)} does not exist; create it first.");
                    return ExitCodes.Failure;
                }
                if (File.Exists(destination))
                {
                    error.WriteLine($"openmotoko: {destination} exists already; remove it or choose another name.");
                    return ExitCodes.Failure;
                }
                var database = new Database(source);
                output.WriteLine($"Backing up {source} ...");
                database.BackupTo(destination);
                output.WriteLine($"Wrote {destination} ({new FileInfo(destination).Length:N0} bytes).");
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
