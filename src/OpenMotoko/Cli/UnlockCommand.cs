using System.CommandLine;
using OpenMotoko.Auth;

namespace OpenMotoko.Cli;

/// <summary>The owner's way back in when failed logins (theirs or a stranger's) locked them out.</summary>
internal sealed class UnlockCommand : Command
{
    private static readonly Option<string?> DataDirOption = CommonOptions.DataDir();

    public UnlockCommand(CliContext context)
        : base("unlock", "Lift every login lock-out (per address and the pause for everyone); works while the daemon runs.")
    {
        Options.Add(DataDirOption);
        SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            try
            {
                var database = StorageCommand.OpenMigrated(parseResult.GetValue(DataDirOption), context.Environment);
                var cleared = await new LoginGuard(database, TimeProvider.System).UnlockAllAsync(cancellationToken);
                output.WriteLine(cleared == 0
                    ? "No failed logins were recorded; nothing was locked."
                    : $"Cleared {cleared} failed-login record(s): logging in is open again.");
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
