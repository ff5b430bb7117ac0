using OpenMotoko.Hosting;

namespace OpenMotoko.Tests.Hosting;

public sealed class DaemonOptionsTests
{
    private static EnvironmentSnapshot Env(params (string Name, string Value)[] variables) =>
        new(variables.ToDictionary(v => v.Name, v => v.Value));

    [Fact]
    public void Data_dir_comes_from_the_flag_then_the_env_var_then_xdg_then_home()
    {
        Assert.Equal("/flag/dir", DataDirectory.Resolve("/flag/dir", Env(("OPENMOTOKO_DATA_DIR", "/env/dir"))));
        Assert.Equal("/env/dir", DataDirectory.Resolve(null, Env(("OPENMOTOKO_DATA_DIR", "/env/dir"), ("XDG_DATA_HOME", "/xdg"))));
        if (!OperatingSystem.IsMacOS())
        {
            Assert.Equal("/xdg/openmotoko", DataDirectory.Resolve(null, Env(("XDG_DATA_HOME", "/xdg"), ("HOME", "/home/u"))));
            Assert.Equal("/home/u/.local/share/openmotoko", DataDirectory.Resolve(null, Env(("HOME", "/home/u"))));
        }
    }

    [Fact]
    public void Body_limit_and_log_level_come_from_the_environment()
    {
        var options = DaemonOptions.FromEnvironment("/d", null, null, Env(("OPENMOTOKO_MAX_BODY_BYTES", "2048"), ("OPENMOTOKO_LOG_LEVEL", "debug")));

        Assert.Equal(2048, options.MaxRequestBodyBytes);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Debug, options.LogLevel);
        Assert.Equal(1024 * 1024, DaemonOptions.FromEnvironment("/d", null, null, Env()).MaxRequestBodyBytes);
    }

    [Theory]
    [InlineData("OPENMOTOKO_MAX_BODY_BYTES", "lots")]
    [InlineData("OPENMOTOKO_MAX_BODY_BYTES", "10")]
    [InlineData("OPENMOTOKO_LOG_LEVEL", "loud")]
    public void Bad_values_stop_the_start_naming_the_variable(string name, string value)
    {
        var error = Assert.Throws<StartupException>(() => DaemonOptions.FromEnvironment("/d", null, null, Env((name, value))));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cors_origins_are_a_comma_separated_list()
    {
        var options = new DaemonOptions { DataDir = "/d", Environment = Env(("OPENMOTOKO_CORS_ORIGINS", " https://a.example ,https://b.example,")) };

        Assert.Equal(["https://a.example", "https://b.example"], options.CorsOrigins);
        Assert.Empty(new DaemonOptions { DataDir = "/d" }.CorsOrigins);
    }
}
