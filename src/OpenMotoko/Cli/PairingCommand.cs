using System.CommandLine;
using OpenMotoko.Channels;

namespace OpenMotoko.Cli;

/// <summary>`openmotoko pairing approve CODE`: lets a chat sender who got a pairing code talk to the agent; works while the daemon runs.</summary>
internal sealed class PairingCommand : Command
{
    private static readonly Argument<string> CodeArgument = new("CODE") { Description = "The 6-digit code the bot sent to the person." };
    private static readonly Option<string?> DataDirOption = CommonOptions.DataDir();

    public PairingCommand(CliContext context)
        : base("pairing", "Approve people who asked to talk to your agent through a chat channel (Telegram).")
    {
        var approve = new Command("approve", "Approve the sender holding CODE; they can then talk to the agent.");
        approve.Arguments.Add(CodeArgument);
        approve.Options.Add(DataDirOption);
        approve.SetAction(async (parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var code = parseResult.GetValue(CodeArgument)!.Trim();
            try
            {
                var database = StorageCommand.OpenMigrated(parseResult.GetValue(DataDirOption), context.Environment);
                if (await new SenderStore(database, TimeProvider.System).ApproveAsync(null, code, cancellationToken) is not { } approved)
                {
                    error.WriteLine($"openmotoko: no pending pairing code '{code}': it was never issued, was already used, or expired (codes last 1 hour).");
                    return ExitCodes.Failure;
                }
                output.WriteLine($"Approved {approved.Name ?? approved.SenderId} (id {approved.SenderId}) on {approved.ChannelId}. " +
                                 "They can send their message again.");
                return ExitCodes.Ok;
            }
            catch (Exception ex) when (StorageCommand.IsUserError(ex))
            {
                error.WriteLine($"openmotoko: {ex.Message}");
                return ExitCodes.Failure;
            }
        });
        Subcommands.Add(approve);
    }
}
