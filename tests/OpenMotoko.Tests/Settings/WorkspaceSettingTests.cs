using System.Net;
using OpenMotoko.Tests.Hosting;

namespace OpenMotoko.Tests.Settings;

/// <summary>agent.workspace becomes a path on every tool call: a control character in it must be refused where it is set.</summary>
public sealed class WorkspaceSettingTests
{
    [Theory]
    [InlineData("ws\\u0000x")]
    [InlineData("ws\\nx")]
    [InlineData("ws\\u001bx")]
    [InlineData("ws\\u007fx")]
    [InlineData("ws\\u0085x")]
    public async Task A_workspace_with_a_control_character_is_refused_with_the_field_named(string escaped)
    {
        await using var app = await TestApp.StartAsync();
        using var owner = await app.LoginClientAsync();

        using var response = await owner.PutAsync("/api/settings", Envelope.Json($"{{\"agent.workspace\":\"{escaped}\"}}"));

        var envelope = await Envelope.AssertAsync(response, HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.Equal(["agent.workspace"], Envelope.DetailPaths(envelope));
        var settings = await Envelope.ReadJsonAsync(await owner.GetAsync("/api/settings"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, settings.GetProperty("agent.workspace").ValueKind);
    }

    [Fact]
    public async Task An_ordinary_workspace_path_is_accepted()
    {
        await using var app = await TestApp.StartAsync();
        using var owner = await app.LoginClientAsync();

        var settings = await Envelope.ReadJsonAsync(await owner.PutAsync("/api/settings", Envelope.Json("{\"agent.workspace\":\"my files/ünï\"}")));

        Assert.Equal("my files/ünï", settings.GetProperty("agent.workspace").GetString());
    }

    [Theory]
    [InlineData("/srv/ws\u0000x")]
    [InlineData("/srv/ws\nx")]
    public void OPENMOTOKO_WORKSPACE_with_a_control_character_stops_the_start_with_its_name(string value)
    {
        var dataDir = Directory.CreateTempSubdirectory("openmotoko-test-").FullName;
        try
        {
            var environment = new OpenMotoko.Hosting.EnvironmentSnapshot(new Dictionary<string, string>
            {
                ["OPENMOTOKO_WORKSPACE"] = value, ["OPENMOTOKO_PASSWORD"] = TestApp.Password,
            });
            var options = new OpenMotoko.Hosting.DaemonOptions { DataDir = dataDir, Port = 0, Environment = environment };

            var error = Assert.Throws<OpenMotoko.Hosting.StartupException>(() => OpenMotoko.Hosting.DaemonHost.Build(options));

            Assert.Contains("OPENMOTOKO_WORKSPACE", error.Message, StringComparison.Ordinal);
            Assert.Contains("agent.workspace", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
