using System.Net;
using Microsoft.Data.Sqlite;
using OpenMotoko.Tests.Hosting;

namespace OpenMotoko.Tests.Cli;

[Collection("cli")]
public sealed class PasswdAndBackupTests
{
    [Fact]
    public async Task Passwd_stores_a_hash_and_the_daemon_accepts_the_new_password()
    {
        var dataDir = Cli.TempDir();
        try
        {
            var result = await Cli.RunAsync(["passwd", "--data-dir", dataDir], stdin: "correct horse battery\n");

            Assert.Equal(0, result.ExitCode);
            Assert.Contains("Password stored (hashed)", result.Output, StringComparison.Ordinal);
            SqliteConnection.ClearAllPools();
            using (var connection = new SqliteConnection($"Data Source={Path.Combine(dataDir, "openmotoko.db")};Pooling=False"))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT hash FROM owner_password WHERE id = 1";
                var hash = (string)command.ExecuteScalar()!;
                Assert.StartsWith("pbkdf2-sha256$", hash, StringComparison.Ordinal);
                Assert.DoesNotContain("correct horse", hash, StringComparison.Ordinal);
            }

            await using var app = await TestApp.StartAsync(new Dictionary<string, string>(), dataDir);
            Assert.NotEmpty(await app.LoginAsync("correct horse battery"));
            using var wrong = await app.Client.PostAsync("/api/auth/login", Envelope.Json("{\"password\":\"test-password-1\"}"));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        finally
        {
            Cli.Delete(dataDir);
        }
    }

    [Theory]
    [InlineData("short\n", false, "the password must be at least 8 characters; nothing was changed.")]
    [InlineData("", false, "no input; nothing was changed.")]
    [InlineData("\n", false, "no input; nothing was changed.")]
    [InlineData("", true, "no input; nothing was changed.")]
    [InlineData("short\nshort\n", true, "the password must be at least 8 characters; nothing was changed.")]
    [InlineData("long-enough-1\nlong-enough-2\n", true, "the two entries differ; nothing was changed.")]
    public async Task Passwd_refuses_a_short_missing_or_mismatched_password_with_the_one_reason_that_applies(string stdin, bool typed, string reason)
    {
        var dataDir = Cli.TempDir();
        try
        {
            var result = await Cli.RunAsync(["passwd", "--data-dir", dataDir], stdin: stdin, interactive: typed);

            Assert.Equal(1, result.ExitCode);
            Assert.Equal($"openmotoko: {reason}", result.Error.Trim());
            Assert.DoesNotContain("Repeat it", reason.Contains("at least", StringComparison.Ordinal) ? result.Output : "", StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(dataDir, "openmotoko.db")) && HasPassword(dataDir));
        }
        finally
        {
            Cli.Delete(dataDir);
        }
    }

    [Fact]
    public async Task Passwd_asks_twice_on_a_terminal_and_prints_no_escape_sequences()
    {
        var dataDir = Cli.TempDir();
        try
        {
            var result = await Cli.RunAsync(["passwd", "--data-dir", dataDir], stdin: "long-enough-1\nlong-enough-1\n", interactive: true);

            Assert.Equal(0, result.ExitCode);
            Assert.StartsWith("New password: Repeat it: Password stored (hashed)", result.Output, StringComparison.Ordinal);
            Assert.DoesNotContain('\u001b', result.All);
            Assert.True(HasPassword(dataDir));
        }
        finally
        {
            Cli.Delete(dataDir);
        }
    }

    [Fact]
    public async Task Serve_refuses_an_OPENMOTOKO_PASSWORD_shorter_than_passwd_allows()
    {
        var dataDir = Cli.TempDir();
        try
        {
            var result = await Cli.RunAsync(["serve", "--port", "0", "--data-dir", dataDir], new() { ["OPENMOTOKO_PASSWORD"] = "secret" })
                .WaitAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(3, result.ExitCode);
            var line = Assert.Single(result.Error.Split('\n'), l => l.StartsWith("openmotoko: OPENMOTOKO_PASSWORD", StringComparison.Ordinal));
            Assert.Contains("at least 8 characters", line, StringComparison.Ordinal);
        }
        finally
        {
            Cli.Delete(dataDir);
        }
    }

    private static bool HasPassword(string dataDir)
    {
        SqliteConnection.ClearAllPools();
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDir, "openmotoko.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM owner_password";
        return (long)command.ExecuteScalar()! > 0;
    }

    [Fact]
    public async Task Backup_copies_the_live_database_and_will_not_overwrite()
    {
        await using var app = await TestApp.StartAsync();
        using var owner = await app.LoginClientAsync();
        (await owner.PutAsync("/api/settings", Envelope.Json("{\"theme\":\"dark\"}"))).EnsureSuccessStatusCode();
        var target = Path.Combine(Cli.TempDir(), "copy.db");
        try
        {
            var result = await Cli.RunAsync(["backup", target, "--data-dir", app.DataDir]);

            Assert.Equal(0, result.ExitCode);
            Assert.Contains($"Wrote {target}", result.Output, StringComparison.Ordinal);
            using (var connection = new SqliteConnection($"Data Source={target};Pooling=False;Mode=ReadOnly"))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA integrity_check;";
                Assert.Equal("ok", command.ExecuteScalar());
                command.CommandText = "SELECT value FROM settings WHERE key = 'theme'";
                Assert.Equal("\"dark\"", command.ExecuteScalar());
                command.CommandText = "PRAGMA user_version;";
                Assert.Equal((long)OpenMotoko.Storage.Migrator.LatestVersion, command.ExecuteScalar());
            }
            // The daemon kept serving during and after the backup.
            Assert.Equal(HttpStatusCode.OK, (await owner.PutAsync("/api/settings", Envelope.Json("{\"theme\":\"light\"}"))).StatusCode);

            var again = await Cli.RunAsync(["backup", target, "--data-dir", app.DataDir]);
            Assert.Equal(1, again.ExitCode);
            Assert.Contains("exists already", again.Error, StringComparison.Ordinal);
        }
        finally
        {
            Cli.Delete(Path.GetDirectoryName(target)!);
        }
    }

    [Fact]
    public async Task Backup_without_a_database_says_so()
    {
        var dataDir = Cli.TempDir();
        try
        {
            var result = await Cli.RunAsync(["backup", Path.Combine(dataDir, "copy.db"), "--data-dir", Path.Combine(dataDir, "empty")]);

            Assert.Equal(1, result.ExitCode);
            Assert.Contains("there is no database", result.Error, StringComparison.Ordinal);

            Assert.Equal(0, (await Cli.RunAsync(["config", "set", "theme", "dark", "--data-dir", dataDir])).ExitCode);
            var missingDir = await Cli.RunAsync(["backup", Path.Combine(dataDir, "no", "such", "copy.db"), "--data-dir", dataDir]);
            Assert.Equal(1, missingDir.ExitCode);
            Assert.Contains($"the directory {Path.Combine(dataDir, "no", "such")} does not exist", missingDir.Error, StringComparison.Ordinal);
        }
        finally
        {
            Cli.Delete(dataDir);
        }
    }
}

[Collection("cli")]
public sealed class PasswdWhileServingTests
{
    [Fact]
    public async Task Passwd_takes_effect_on_a_running_daemon()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string>());
        var first = await Cli.RunAsync(["passwd", "--data-dir", app.DataDir], stdin: "first-password-1\n");
        Assert.Equal(0, first.ExitCode);
        var token = await app.LoginAsync("first-password-1");

        var second = await Cli.RunAsync(["passwd", "--data-dir", app.DataDir], stdin: "second-password-2\n");
        Assert.Equal(0, second.ExitCode);

        using var old = await app.Client.PostAsync("/api/auth/login", Envelope.Json("{\"password\":\"first-password-1\"}"));
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        Assert.NotEmpty(await app.LoginAsync("second-password-2"));
        app.Time.Advance(TimeSpan.FromMinutes(1)); // past the session cache: the ended session is gone
        using var ended = app.CreateClient(token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ended.GetAsync("/api/settings")).StatusCode);
    }
}
