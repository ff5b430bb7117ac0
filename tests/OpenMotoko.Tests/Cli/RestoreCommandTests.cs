using System.Net;
using Microsoft.Data.Sqlite;
using OpenMotoko.Tests.Hosting;
using OpenMotoko.Tests.Storage;

namespace OpenMotoko.Tests.Cli;

/// <summary>`openmotoko restore FILE`: checks the file, refuses beside a running daemon, keeps the replaced database.</summary>
[Collection("cli")]
public sealed class RestoreCommandTests
{
    [Fact]
    public async Task Restore_puts_a_backup_back_and_keeps_the_replaced_database_as_bak()
    {
        var backup = Path.Combine(Cli.TempDir(), "copy.db");
        try
        {
            await using var app = await TestApp.StartAsync();
            using (var owner = await app.LoginClientAsync())
            {
                (await owner.PutAsync("/api/settings", Envelope.Json("{\"theme\":\"dark\"}"))).EnsureSuccessStatusCode();
                Assert.Equal(0, (await Cli.RunAsync(["backup", backup, "--data-dir", app.DataDir])).ExitCode);
                (await owner.PutAsync("/api/settings", Envelope.Json("{\"theme\":\"light\"}"))).EnsureSuccessStatusCode();
            }

            Cli.Result? result = null;
            await app.RestartAsync(() =>
            {
                SqliteConnection.ClearAllPools(); // as the stopped daemon's process would have closed its files
                result = Cli.RunAsync(["restore", backup, "--data-dir", app.DataDir]).GetAwaiter().GetResult();
            });

            Assert.Equal(0, result!.ExitCode);
            Assert.True(result.Output.Contains("openmotoko.db.bak", StringComparison.Ordinal), result.Output);
            Assert.Equal("\"light\"", Theme(Path.Combine(app.DataDir, "openmotoko.db.bak")));
            using var again = await app.LoginClientAsync();
            var settings = await again.GetStringAsync("/api/settings");
            Assert.True(System.Text.Json.JsonDocument.Parse(settings).RootElement.GetProperty("theme").GetString() == "dark", settings);
        }
        finally
        {
            Cli.Delete(Path.GetDirectoryName(backup)!);
        }
    }

    [Theory]
    [InlineData("not a database at all, just text", "is not an SQLite database")]
    [InlineData("", "there is no file")]
    [InlineData("sqlite", "not an OpenMotoko one")]
    public async Task Restore_refuses_a_file_that_is_not_an_OpenMotoko_database(string content, string expected)
    {
        var dataDir = Cli.TempDir();
        var file = Path.Combine(dataDir, "candidate.db");
        try
        {
            if (content == "sqlite")
            {
                using var other = new SqliteConnection($"Data Source={file};Pooling=False");
                other.Open();
                using var command = other.CreateCommand();
                command.CommandText = "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes (text) VALUES ('x');";
                command.ExecuteNonQuery();
            }
            else if (content.Length > 0)
            {
                await File.WriteAllTextAsync(file, content + new string('x', 4096));
            }

            var result = await Cli.RunAsync(["restore", file, "--data-dir", dataDir]);

            Assert.Equal(1, result.ExitCode);
            Assert.Contains(expected, result.Error, StringComparison.Ordinal);
            Assert.Contains("nothing was changed", result.Error, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(dataDir, "openmotoko.db")));
        }
        finally
        {
            Cli.Delete(dataDir);
        }
    }

    [Fact]
    public async Task Restore_refuses_while_a_daemon_uses_the_data_dir()
    {
        var dataDir = Cli.TempDir();
        var backup = Path.Combine(Cli.TempDir(), "copy.db");
        try
        {
            await using (var daemon = await DaemonProcess.StartAsync(dataDir, new Dictionary<string, string> { ["OPENMOTOKO_PASSWORD"] = TestApp.Password }))
            {
                Assert.Equal(0, (await Cli.RunAsync(["backup", backup, "--data-dir", dataDir])).ExitCode);

                var refused = await Cli.RunAsync(["restore", backup, "--data-dir", dataDir]);

                Assert.Equal(1, refused.ExitCode);
                Assert.Contains("a running openmotoko is using", refused.Error, StringComparison.Ordinal);
                Assert.False(File.Exists(Path.Combine(dataDir, "openmotoko.db.bak")));
                using var client = new HttpClient { BaseAddress = daemon.BaseAddress };
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/health")).StatusCode);
            }

            Assert.Equal(0, (await Cli.RunAsync(["restore", backup, "--data-dir", dataDir])).ExitCode); // stopped: now it may
        }
        finally
        {
            Cli.Delete(dataDir);
            Cli.Delete(Path.GetDirectoryName(backup)!);
        }
    }

    private static string Theme(string path)
    {
        SqliteConnection.ClearAllPools();
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM settings WHERE key = 'theme'";
        return (string)command.ExecuteScalar()!;
    }
}
