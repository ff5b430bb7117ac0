using System.Net;
using System.Net.Sockets;

namespace OpenMotoko.Tests.Cli;

[Collection("cli")]
public sealed class ConfigAndDoctorTests : IDisposable
{
    private readonly string _dataDir = Cli.TempDir();

    public void Dispose() => Cli.Delete(_dataDir);

    private Task<Cli.Result> Config(params string[] args) => Cli.RunAsync(["config", .. args, "--data-dir", _dataDir]);

    [Fact]
    public async Task Config_set_get_and_unset_round_trip()
    {
        Assert.Equal("3457", (await Config("get", "app.port")).Output.Trim());

        var set = await Config("set", "app.port", "4000");
        Assert.Equal(0, set.ExitCode);
        Assert.Contains("app.port = 4000", set.Output, StringComparison.Ordinal);
        Assert.Equal("4000", (await Config("get", "app.port")).Output.Trim());

        Assert.Equal(0, (await Config("set", "systemPrompt", "You are {terse}, 100% \"helpful\" ✓")).ExitCode);
        Assert.Equal("\"You are {terse}, 100% \\\"helpful\\\" ✓\"", (await Config("get", "systemPrompt")).Output.Trim());
        Assert.Equal(0, (await Config("set", "budget", "{\"daily\":3,\"monthly\":50,\"alertThresholds\":[0.5,1]}")).ExitCode);
        Assert.Contains("\"daily\":3", (await Config("get", "budget")).Output, StringComparison.Ordinal);
        Assert.Equal(0, (await Config("set", "onboardingComplete", "true")).ExitCode);

        var all = await Config("get");
        Assert.Contains("app.port = 4000  (stored)", all.Output, StringComparison.Ordinal);
        Assert.Contains("theme = \"system\"", all.Output, StringComparison.Ordinal);

        var unset = await Config("unset", "app.port");
        Assert.Equal(0, unset.ExitCode);
        Assert.Equal("3457", (await Config("get", "app.port")).Output.Trim());
    }

    [Fact]
    public async Task Config_masks_secrets_and_notes_env_overrides()
    {
        var set = await Config("set", "anthropicApiKey", "sk-ant-cli-secret-abcdefgh-9z9z");
        Assert.Equal(0, set.ExitCode);
        Assert.DoesNotContain("cli-secret", set.Output, StringComparison.Ordinal);
        var get = await Config("get", "anthropicApiKey");
        Assert.Equal("\"sk-...9z9z\"", get.Output.Trim());

        var overridden = await Cli.RunAsync(["config", "set", "app.port", "4100", "--data-dir", _dataDir], new() { ["OPENMOTOKO_PORT"] = "5000" });
        Assert.Equal(0, overridden.ExitCode);
        Assert.Contains("OPENMOTOKO_PORT is set and wins", overridden.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nope", "1", "'nope' is not a setting")]
    [InlineData("app.port", "abc", "app.port must be a whole number from 0 to 65535")]
    [InlineData("app.port", "70000", "app.port must be a whole number from 0 to 65535")]
    [InlineData("theme", "neon", "theme must be one of: system, light, dark")]
    [InlineData("onboardingComplete", "yes", "onboardingComplete must be true or false")]
    [InlineData("budget", "{\"daily\":-1}", "daily")]
    [InlineData("app.host", "example.com", "app.host must be an IP address")]
    public async Task Config_set_validates_like_the_api(string key, string value, string message)
    {
        var result = await Config("set", key, value);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.NotEqual("4000", (await Config("get", "app.port")).Output.Trim());
    }

    [Fact]
    public async Task Config_get_of_an_unknown_key_is_a_usage_error()
    {
        var result = await Config("get", "nope");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'nope' is not a setting", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_reports_ok_and_warn_lines_and_exits_0_when_nothing_fails()
    {
        using var free = new TcpListener(IPAddress.Loopback, 0);
        free.Start();
        var port = ((IPEndPoint)free.LocalEndpoint).Port;
        free.Stop();

        var result = await Cli.RunAsync(["doctor", "--data-dir", _dataDir, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"[ ok ] data dir {_dataDir} is writable", result.Output, StringComparison.Ordinal);
        Assert.Contains("[ ok ] database", result.Output, StringComparison.Ordinal);
        Assert.Contains("[warn] no password", result.Output, StringComparison.Ordinal);
        Assert.Contains("[warn] no LLM provider configured", result.Output, StringComparison.Ordinal);
        Assert.Contains($"[ ok ] port {port} on 127.0.0.1 is free", result.Output, StringComparison.Ordinal);
        var sandbox = OpenMotoko.Skills.Shell.ShellSandbox.Detect();
        Assert.Contains(sandbox.IsActive ? "[ ok ] shell sandbox active: bubblewrap" : "[warn] shell sandbox inactive:", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("[FAIL]", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_flags_an_unconfined_shell_and_running_as_root()
    {
        Assert.Equal(0, (await Config("set", "skills.shell.unsandboxed", "true")).ExitCode);

        var result = await Cli.RunAsync(["doctor", "--data-dir", _dataDir, "--port", "0"]);

        Assert.Contains(OpenMotoko.Skills.Shell.ShellSandbox.Detect().IsActive
            ? "[warn] skills.shell.unsandboxed is true: should the sandbox stop working, commands would run unconfined"
            : "skills.shell.unsandboxed is true, so commands run unconfined", result.Output, StringComparison.Ordinal);
        if (OpenMotoko.Cli.Posix.IsRoot)
        {
            Assert.Contains("[warn] running as root: ", result.Output, StringComparison.Ordinal);
        }
        else
        {
            Assert.DoesNotContain("running as root", result.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Doctor_fails_on_a_busy_port_and_an_unsafe_bind()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var port = ((IPEndPoint)busy.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var portResult = await Cli.RunAsync(["doctor", "--data-dir", _dataDir, "--port", port],
            new() { ["OPENMOTOKO_PASSWORD"] = "a-long-password", ["ANTHROPIC_API_KEY"] = "sk-ant-doctor-0123456789", ["ANTHROPIC_BASE_URL"] = "http://127.0.0.1:9" });
        Assert.Equal(1, portResult.ExitCode);
        Assert.Contains($"[FAIL] port {port} on 127.0.0.1 is in use by another program", portResult.Output, StringComparison.Ordinal);
        Assert.Contains("[ ok ] password set (OPENMOTOKO_PASSWORD)", portResult.Output, StringComparison.Ordinal);
        Assert.Contains("[ ok ] providers configured: anthropic", portResult.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("a-long-password", portResult.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-ant-doctor", portResult.Output, StringComparison.Ordinal);

        var bindResult = await Cli.RunAsync(["doctor", "--data-dir", _dataDir, "--host", "0.0.0.0", "--port", "0"]);
        Assert.Equal(1, bindResult.ExitCode);
        // The refusal `serve` itself would give, word for word.
        Assert.Contains("[FAIL] bind 0.0.0.0:0: Refusing to listen on 0.0.0.0: without a password", bindResult.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_fails_on_an_OPENMOTOKO_PASSWORD_that_serve_would_refuse()
    {
        var result = await Cli.RunAsync(["doctor", "--data-dir", _dataDir, "--port", "0"], new() { ["OPENMOTOKO_PASSWORD"] = "pw7c4rs" });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("[FAIL] OPENMOTOKO_PASSWORD is too short: the password must be at least 8 characters", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("pw7c4rs", result.All, StringComparison.Ordinal); // never the password itself
    }

    [Fact]
    public async Task Doctor_fails_on_an_unusable_openmotoko_variable_and_warns_on_a_provider_one()
    {
        var result = await Cli.RunAsync(["doctor", "--data-dir", _dataDir, "--port", "0"],
            new() { ["OPENMOTOKO_OWNER_RATE_LIMIT"] = "lots", ["OLLAMA_HOST"] = "0.0.0.0:11434" });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("[FAIL] OPENMOTOKO_OWNER_RATE_LIMIT cannot be used: auth.ownerRateLimit must be", result.Output, StringComparison.Ordinal);
        Assert.Contains("[warn] OLLAMA_HOST cannot be used: ollamaHost must be", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_fails_on_a_list_variable_that_serve_would_refuse()
    {
        var result = await Cli.RunAsync(["doctor", "--data-dir", _dataDir, "--port", "0"], new() { ["OPENMOTOKO_CORS_ORIGINS"] = "*" });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("[FAIL] OPENMOTOKO_CORS_ORIGINS: '*' is not a browser origin", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_fails_when_the_data_dir_cannot_be_used()
    {
        var file = Path.Combine(_dataDir, "a-file");
        await File.WriteAllTextAsync(file, "not a directory");

        var result = await Cli.RunAsync(["doctor", "--data-dir", file]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("[FAIL] data dir", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_recognises_a_running_daemon_on_its_port()
    {
        await using var app = await TestApp.StartAsync();

        var result = await Cli.RunAsync(["doctor", "--data-dir", app.DataDir, "--port", app.BaseAddress.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);

        Assert.Contains("in use by a running openmotoko", result.Output, StringComparison.Ordinal);
    }
}
