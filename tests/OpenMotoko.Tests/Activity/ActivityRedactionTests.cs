using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Activity;
using static OpenMotoko.Tests.Costs.CostTestKit;

namespace OpenMotoko.Tests.Activity;

public sealed class ActivityRedactionTests
{
    private const string AnthropicKey = "sk-ant-api03-Zq9xW2vB7nK4mP1sT8yL";
    private const string GenericKey = "plainkey-0c4f2e9a";

    [Fact]
    public async Task Secrets_never_reach_the_stored_activity()
    {
        var environment = new Dictionary<string, string> { ["OPENMOTOKO_PASSWORD"] = TestApp.Password, ["GENERIC_LLM_API_KEY"] = GenericKey };
        await using var app = await TestApp.StartAsync(environment);
        using var client = await app.LoginClientAsync();
        await PutAsync(client, "/api/settings", new Dictionary<string, string> { ["anthropicApiKey"] = AnthropicKey });

        var data = new JsonObject
        {
            ["apiKey"] = "short",
            ["access_token"] = "tok",
            ["inputTokens"] = 42,
            ["request"] = new JsonObject
            {
                ["headers"] = new JsonArray(new JsonObject { ["x-api-key"] = "k1" }, new JsonObject { ["Authorization"] = "Bearer abcdefghijkl" }),
                ["password"] = new JsonObject { ["nested"] = "whole object hidden" },
            },
            ["output"] = $"env shows {AnthropicKey}, {GenericKey} and {TestApp.Password}; curl -H 'Authorization: Bearer zyxwvutsrq987'",
            ["command"] = "echo sk-proj-abcdefghijklmnop1234",
        };
        foreach (var sink in app.Services.GetServices<IActivitySink>())
        {
            await sink.PublishAsync(new ActivityEntry("tool:result", "c1", "web", "shell", data), CancellationToken.None);
        }

        var stored = ReadColumn(app, "SELECT data FROM activity").Single();
        foreach (var secret in new[] { AnthropicKey, GenericKey, TestApp.Password, "abcdefghijkl", "zyxwvutsrq987", "sk-proj-abcdefghijklmnop1234", "whole object hidden", "short", "\"tok\"", "k1" })
        {
            Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
        }
        var item = (await GetJsonAsync(client, "/api/activity")).GetProperty("items")[0].GetProperty("data");
        Assert.Equal(42, item.GetProperty("inputTokens").GetInt32());
        Assert.Equal("[redacted]", item.GetProperty("apiKey").GetString());
        Assert.Equal("[redacted]", item.GetProperty("request").GetProperty("password").GetString());
        Assert.Equal("[redacted]", item.GetProperty("request").GetProperty("headers")[0].GetProperty("x-api-key").GetString());
        Assert.StartsWith("env shows [redacted], [redacted] and [redacted];", item.GetProperty("output").GetString(), StringComparison.Ordinal);
        Assert.Equal("echo [redacted]", item.GetProperty("command").GetString());
    }

    [Fact]
    public async Task Redact_leaves_the_callers_object_as_it_was()
    {
        await using var app = await TestApp.StartAsync();
        var redactor = app.Services.GetRequiredService<SecretRedactor>();
        var data = new JsonObject { ["apiKey"] = "short", ["note"] = "fine" };

        var redacted = redactor.Redact(data);

        Assert.Equal("[redacted]", redacted["apiKey"]!.GetValue<string>());
        Assert.Equal("short", data["apiKey"]!.GetValue<string>()); // approvals show a redacted copy and keep the original
    }

    [Fact]
    public async Task Data_size_is_bounded()
    {
        await using var app = await TestApp.StartAsync();
        var sink = app.Services.GetServices<IActivitySink>().First();
        await sink.PublishAsync(new ActivityEntry("tool:result", null, null, null, new JsonObject { ["output"] = new string('x', 100_000) }), CancellationToken.None);
        var many = new JsonObject();
        for (var i = 0; i < 100; i++)
        {
            many[$"field{i}"] = new string('y', 1_000);
        }
        await sink.PublishAsync(new ActivityEntry("tool:result", null, null, null, many), CancellationToken.None);

        var rows = ReadColumn(app, "SELECT data FROM activity ORDER BY id");
        var first = JsonNode.Parse(rows[0])!["output"]!.GetValue<string>();
        Assert.Equal(SecretRedactor.MaxStringLength, first.IndexOf('…', StringComparison.Ordinal));
        var second = JsonNode.Parse(rows[1])!.AsObject();
        Assert.True(second["truncated"]!.GetValue<bool>());
        Assert.True(rows[1].Length < SecretRedactor.MaxDataLength);
    }
}
