namespace OpenMotoko.Tests.Cli;

/// <summary>What `openmotoko config set` accepts from a shell: lists, partial budgets, and an address `serve` would refuse.</summary>
[Collection("cli")]
public sealed class ConfigSetValueTests : IDisposable
{
    private readonly string _dataDir = Cli.TempDir();

    public void Dispose() => Cli.Delete(_dataDir);

    private Task<Cli.Result> Config(string[] args, Dictionary<string, string>? environment = null) =>
        Cli.RunAsync(["config", .. args, "--data-dir", _dataDir], environment);

    [Fact]
    public async Task An_array_setting_takes_a_comma_separated_list_or_JSON()
    {
        Assert.Equal(0, (await Config(["set", "skills.shell.allow", "ls, cat,git"])).ExitCode);
        Assert.Equal("[\"ls\",\"cat\",\"git\"]", (await Config(["get", "skills.shell.allow"])).Output.Trim());

        Assert.Equal(0, (await Config(["set", "skills.shell.allow", "ls"])).ExitCode);
        Assert.Equal("[\"ls\"]", (await Config(["get", "skills.shell.allow"])).Output.Trim());

        Assert.Equal(0, (await Config(["set", "skills.shell.allow", "[\"grep\"]"])).ExitCode);
        Assert.Equal("[\"grep\"]", (await Config(["get", "skills.shell.allow"])).Output.Trim());

        var broken = await Config(["set", "skills.shell.allow", "[\"grep\""]);
        Assert.Equal(2, broken.ExitCode);
        Assert.Contains("comma-separated list, e.g. ls,cat, or JSON, e.g. '[\"ls\",\"cat\"]'", broken.Error, StringComparison.Ordinal);
        Assert.Equal("[\"grep\"]", (await Config(["get", "skills.shell.allow"])).Output.Trim());
    }

    [Fact]
    public async Task A_partial_budget_is_merged_over_the_stored_one_like_PUT_api_settings_budget()
    {
        Assert.Equal(0, (await Config(["set", "budget", "{\"daily\":3,\"monthly\":50}"])).ExitCode);
        Assert.Equal(0, (await Config(["set", "budget", "{\"daily\":1}"])).ExitCode);
        Assert.Equal("{\"daily\":1,\"monthly\":50,\"alertThresholds\":[0.5,0.8,0.95]}", (await Config(["get", "budget"])).Output.Trim());

        var bad = await Config(["set", "budget", "{\"monthly\":-2}"]);
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("monthly", bad.Error, StringComparison.Ordinal);
        Assert.Contains("\"monthly\":50", (await Config(["get", "budget"])).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_public_address_without_a_password_is_refused_at_set_time_with_the_reason_serve_gives()
    {
        var refused = await Config(["set", "app.host", "0.0.0.0"]);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("Refusing to listen on 0.0.0.0: without a password", refused.Error, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed", refused.Error, StringComparison.Ordinal);
        Assert.Equal("\"127.0.0.1\"", (await Config(["get", "app.host"])).Output.Trim());

        Assert.Equal(0, (await Config(["set", "app.host", "::1"])).ExitCode); // loopback needs no password

        Assert.Equal(0, (await Cli.RunAsync(["passwd", "--data-dir", _dataDir], stdin: "a-long-password-1\n")).ExitCode);
        Assert.Equal(0, (await Config(["set", "app.host", "0.0.0.0"])).ExitCode);
        Assert.Equal("\"0.0.0.0\"", (await Config(["get", "app.host"])).Output.Trim());
    }
}
