using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Activity;
using OpenMotoko.Events;
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
        var (cleaned, _) = app.Services.GetRequiredService<SecretRedactor>().RedactOwned(data);
        Assert.Equal(42, cleaned["inputTokens"]!.GetValue<int>());
        Assert.Equal("[redacted]", cleaned["apiKey"]!.GetValue<string>());
        Assert.Equal("[redacted]", cleaned["request"]!["password"]!.GetValue<string>());
        Assert.Equal("[redacted]", cleaned["request"]!["headers"]![0]!["x-api-key"]!.GetValue<string>());
        Assert.Equal("echo [redacted]", cleaned["command"]!.GetValue<string>());

        // What a tool printed reaches the feed through the bus and is stored redacted.
        var printed = $"env shows {AnthropicKey}, {GenericKey} and {TestApp.Password}; curl -H 'Authorization: Bearer zyxwvutsrq987'; echo sk-proj-abcdefghijklmnop1234";
        await app.Services.GetRequiredService<EventBus>().PublishAsync(
            new ToolCompleted(new EventScope("r1", "c1", "web", "shell"), "call-1", "execute_command", false, printed));

        var stored = ReadColumn(app, "SELECT data FROM activity").Single();
        foreach (var secret in new[] { AnthropicKey, GenericKey, TestApp.Password, "zyxwvutsrq987", "sk-proj-abcdefghijklmnop1234" })
        {
            Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
        }
        var item = (await GetJsonAsync(client, "/api/activity")).GetProperty("items")[0].GetProperty("data");
        Assert.StartsWith("env shows [redacted], [redacted] and [redacted];", item.GetProperty("output").GetString(), StringComparison.Ordinal);
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
        var bus = app.Services.GetRequiredService<EventBus>();
        await bus.PublishAsync(new ToolCompleted(EventScope.None, "c1", "read_file", false, new string('x', 100_000)));
        var many = new JsonObject();
        for (var i = 0; i < 100; i++)
        {
            many[$"field{i}"] = new string('y', 1_000);
        }
        var redactor = app.Services.GetRequiredService<SecretRedactor>();

        var rows = ReadColumn(app, "SELECT data FROM activity ORDER BY id");
        var first = JsonNode.Parse(rows[0])!["output"]!.GetValue<string>();
        Assert.Equal(SecretRedactor.MaxStringLength, first.IndexOf('…', StringComparison.Ordinal));
        var (second, json) = redactor.RedactOwned(many);
        Assert.True(second["truncated"]!.GetValue<bool>());
        Assert.True(json.Length < SecretRedactor.MaxDataLength);
    }
}
