using System.Net;
using OpenMotoko.Tests.Hosting;
using static OpenMotoko.Tests.Auth.LoginAttemptKit;

namespace OpenMotoko.Tests.Cli;

/// <summary>The owner's way back in from the machine itself: `unlock` and `passwd` lift every lock-out, even while the daemon runs.</summary>
[Collection("cli")]
public sealed class UnlockCommandTests
{
    private static async Task LockEverythingAsync(TestApp app)
    {
        for (var address = 2; address <= 3; address++)
        {
            using var client = ClientFrom(app, $"127.0.0.{address}");
            for (var guess = 0; guess < 5; guess++)
            {
                using var _ = await TryLoginAsync(client, "wrong-password");
            }
        }
        using var owner = ClientFrom(app, "127.0.0.2");
        await Envelope.AssertAsync(await TryLoginAsync(owner, "anything-at-all"), HttpStatusCode.TooManyRequests, "LOGIN_LOCKED");
    }

    [Fact]
    public async Task Unlock_lifts_the_address_lock_and_the_pause_for_everyone_of_a_running_daemon()
    {
        await using var app = await TestApp.StartAsync();
        await LockEverythingAsync(app);

        var result = await Cli.RunAsync(["unlock", "--data-dir", app.DataDir]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("logging in is open again", result.Output, StringComparison.Ordinal);
        Assert.Contains("nothing was locked", (await Cli.RunAsync(["unlock", "--data-dir", app.DataDir])).Output, StringComparison.Ordinal);
        using var owner = ClientFrom(app, "127.0.0.2");
        Assert.Equal(HttpStatusCode.OK, (await TryLoginAsync(owner, TestApp.Password)).StatusCode);
    }

    [Fact]
    public async Task Passwd_lifts_the_lock_outs_too()
    {
        var dataDir = Cli.TempDir();
        try
        {
            Assert.Equal(0, (await Cli.RunAsync(["passwd", "--data-dir", dataDir], stdin: "first password 1\n")).ExitCode);
            await using var app = await TestApp.StartAsync(new Dictionary<string, string>(), dataDir);
            await LockEverythingAsync(app);

            var result = await Cli.RunAsync(["passwd", "--data-dir", dataDir], stdin: "second password 2\n");

            Assert.Equal(0, result.ExitCode);
            Assert.Contains("lock-outs lifted", result.Output, StringComparison.Ordinal);
            using var owner = ClientFrom(app, "127.0.0.2");
            Assert.Equal(HttpStatusCode.OK, (await TryLoginAsync(owner, "second password 2")).StatusCode);
        }
        finally
        {
            Cli.Delete(dataDir);
        }
    }
}
