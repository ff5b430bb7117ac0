using System.Net;

namespace OpenMotoko.Tests.Cli;

/// <summary>`openmotoko passwd` run beside a live daemon: the sessions it ends are refused on the very next request.</summary>
[Collection("cli")]
public sealed class PasswdEndsSessionsTests
{
    [Fact]
    public async Task A_session_ended_by_passwd_from_the_CLI_is_refused_on_the_next_request_without_waiting()
    {
        var dataDir = Cli.TempDir();
        try
        {
            Assert.Equal(0, (await Cli.RunAsync(["passwd", "--data-dir", dataDir], stdin: "first-password-1\n")).ExitCode);
            await using var app = await TestApp.StartAsync(new Dictionary<string, string>(), dataDir);
            using var owner = app.CreateClient(await app.LoginAsync("first-password-1"));
            using (var before = await owner.GetAsync("/api/settings"))
            {
                Assert.Equal(HttpStatusCode.OK, before.StatusCode); // the session is now in the daemon's cache
            }

            Assert.Equal(0, (await Cli.RunAsync(["passwd", "--data-dir", dataDir], stdin: "second-password-2\n")).ExitCode);

            using var after = await owner.GetAsync("/api/settings"); // the daemon's clock has not moved
            Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
            Assert.NotEmpty(await app.LoginAsync("second-password-2"));
        }
        finally
        {
            Cli.Delete(dataDir);
        }
    }
}
