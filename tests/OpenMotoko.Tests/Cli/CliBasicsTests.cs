namespace OpenMotoko.Tests.Cli;

[Collection("cli")]
public sealed class CliBasicsTests
{
    [Fact]
    public async Task Version_prints_version_commit_and_runtime()
    {
        var result = await Cli.RunAsync(["version"]);

        Assert.Equal(0, result.ExitCode);
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^openmotoko \d+\.\d+\.\d+", lines[0]);
        Assert.StartsWith("commit", lines[1], StringComparison.Ordinal);
        Assert.Contains(".NET", lines[2], StringComparison.Ordinal);
        Assert.DoesNotContain("native AOT", lines[2], StringComparison.Ordinal); // the tests run on the JIT
        Assert.Equal(result.Output, (await Cli.RunAsync(["--version"])).Output); // one answer, however it is asked
    }

    [Fact]
    public async Task No_arguments_prints_help()
    {
        var result = await Cli.RunAsync([]);

        Assert.Equal(0, result.ExitCode);
        foreach (var command in new[] { "serve", "version", "passwd", "unlock", "doctor", "backup", "restore", "config", "service" })
        {
            Assert.Contains(command, result.Output, StringComparison.Ordinal);
        }
        Assert.Equal("", result.Error);
    }

    [Theory]
    [InlineData(new[] { "frob" }, "Unrecognized command or argument 'frob'")]
    [InlineData(new[] { "serve", "--bogus" }, "Unrecognized command or argument '--bogus'")]
    [InlineData(new[] { "serve", "--port", "abc" }, "'abc' for option '--port' as a whole number")]
    [InlineData(new[] { "doctor", "--port", "1.5" }, "as a whole number")]
    [InlineData(new[] { "backup" }, "Required argument missing")]
    [InlineData(new[] { "config", "get", "a", "b" }, "Unrecognized command or argument 'b'")]
    [InlineData(new[] { "service", "install", "--platform", "windows" }, "as systemd or launchd")]
    [InlineData(new[] { "service", "install", "--user", "--system" }, "--user or --system, not both")]
    [InlineData(new[] { "passwd", "--data-dir" }, "Required argument missing for option: '--data-dir'")]
    public async Task Usage_errors_say_what_is_wrong_and_exit_2(string[] args, string message)
    {
        var result = await Cli.RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        string[] commands = ["serve", "version", "passwd", "unlock", "doctor", "backup", "restore", "config", "get", "set", "unset", "service", "install", "uninstall", "status"];
        var help = string.Join(' ', ["openmotoko", .. args.TakeWhile(commands.Contains)]);
        Assert.Contains($"Run '{help} --help'", result.Error, StringComparison.Ordinal); // the help of the command that was used
        Assert.DoesNotContain("System.", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Required command was not provided", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_refuses_a_newer_database_with_a_clear_message_and_exit_3()
    {
        var dataDir = Cli.TempDir();
        try
        {
            using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(dataDir, "openmotoko.db")};Pooling=False"))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA user_version = 999;";
                command.ExecuteNonQuery();
            }

            var result = await Cli.RunAsync(["serve", "--port", "0", "--data-dir", dataDir]);

            Assert.Equal(3, result.ExitCode);
            Assert.Contains("schema version 999", result.Error, StringComparison.Ordinal);
            Assert.Contains("upgrade", result.Error, StringComparison.Ordinal);
        }
        finally
        {
            Cli.Delete(dataDir);
        }
    }

    [Fact]
    public async Task Serve_on_a_busy_port_says_so_and_exits_3()
    {
        var dataDir = Cli.TempDir();
        using var busy = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        busy.Start();
        try
        {
            var port = ((System.Net.IPEndPoint)busy.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

            var result = await Cli.RunAsync(["serve", "--host", "127.0.0.1", "--port", port, "--data-dir", dataDir]);

            Assert.Equal(3, result.ExitCode);
            var last = result.Error.Trim().Split('\n')[^1];
            Assert.Contains("address already in use", last, StringComparison.OrdinalIgnoreCase);
            Assert.Contains($"another openmotoko running on port {port}?", last, StringComparison.Ordinal);
            Assert.Contains("--port", last, StringComparison.Ordinal);
        }
        finally
        {
            Cli.Delete(dataDir);
        }
    }

    [Fact]
    public async Task Serve_and_doctor_on_a_file_that_is_not_a_database_say_so()
    {
        var dataDir = Cli.TempDir();
        try
        {
            var path = Path.Combine(dataDir, "openmotoko.db");
            await File.WriteAllTextAsync(path, new string('x', 4096));

            var serve = await Cli.RunAsync(["serve", "--port", "0", "--data-dir", dataDir]);
            Assert.Equal(3, serve.ExitCode);
            Assert.Contains(path, serve.Error, StringComparison.Ordinal);
            Assert.Contains("not a database", serve.Error, StringComparison.Ordinal);

            var doctor = await Cli.RunAsync(["doctor", "--data-dir", dataDir]);
            Assert.Equal(1, doctor.ExitCode);
            Assert.Contains($"[FAIL] database {path}", doctor.Output, StringComparison.Ordinal);
        }
        finally
        {
            Cli.Delete(dataDir);
        }
    }
}
