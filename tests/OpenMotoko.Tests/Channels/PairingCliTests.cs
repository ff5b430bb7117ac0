using System.Net.Http.Json;
using System.Text.Json;

namespace OpenMotoko.Tests.Channels;

[Collection("cli")]
public sealed class PairingCliTests
{
    [Fact]
    public async Task Pairing_approve_on_the_command_line_tells_the_sender_and_lets_them_in_while_the_daemon_runs()
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
        Assert.Single(h.SentTo(7100)); // the daemon has not looked yet: its clock has not moved

        h.App.Time.Advance(OpenMotoko.Storage.DataVersionWatcher.Interval); // the daemon's next look at the database
        await h.WaitForTextAsync(7100, 1, OpenMotoko.Channels.PairingNotices.Notice);
        h.App.Time.Advance(OpenMotoko.Storage.DataVersionWatcher.Interval);

        h.Bot.AddMessage(7100, 7100, "now?");
        await h.WaitForTextAsync(7100, 2, "Hello");
        Assert.Single(h.SentTo(7100), m => m == OpenMotoko.Channels.PairingNotices.Notice); // told once
        var senders = await h.Client.GetFromJsonAsync<JsonElement>("/api/channels/telegram/senders");
        Assert.Equal("approved", senders[0].GetProperty("status").GetString());
    }
}
