using System.Net.Http.Json;
using System.Text.Json;

namespace OpenMotoko.Tests.Channels;

[Collection("cli")]
public sealed class PairingCliTests
{
    [Fact]
    public async Task Pairing_approve_on_the_command_line_lets_the_sender_in_while_the_daemon_runs()
    {
        await using var h = await ChannelHarness.StartAsync();
        h.App.Time.SetUtcNow(DateTimeOffset.UtcNow); // the command line reads the real clock
        h.Bot.AddMessage(7100, 7100, "hi");
        await h.WaitForRepliesAsync(7100, 1);
        var code = ChannelHarness.PairingCode(h.SentTo(7100)[0]);

        var wrong = await Cli.Cli.RunAsync(["pairing", "approve", "111111", "--data-dir", h.App.DataDir]);
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("no pending pairing code", wrong.Error, StringComparison.Ordinal);

        var result = await Cli.Cli.RunAsync(["pairing", "approve", code, "--data-dir", h.App.DataDir]);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("@user7100", result.Output, StringComparison.Ordinal);

        h.Bot.AddMessage(7100, 7100, "now?");
        await h.WaitForTextAsync(7100, 1, "Hello");
        var senders = await h.Client.GetFromJsonAsync<JsonElement>("/api/channels/telegram/senders");
        Assert.Equal("approved", senders[0].GetProperty("status").GetString());
    }
}
