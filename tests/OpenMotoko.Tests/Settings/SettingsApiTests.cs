using System.Net;
using System.Text.Json;
using OpenMotoko.Tests.Hosting;

namespace OpenMotoko.Tests.Settings;

public sealed class SettingsApiTests
{
    private const string AnthropicKey = "sk-ant-api03-abcdefghijklmnop-wxyz";

    [Fact]
    public async Task Get_returns_every_key_flat_with_defaults()
    {
        await using var app = await TestApp.StartAsync();
        using var owner = await app.LoginClientAsync();

        var settings = await Envelope.ReadJsonAsync(await owner.GetAsync("/api/settings"));

        foreach (var key in new[] { "defaultModel", "onboardingComplete", "anthropicApiKey", "openaiApiKey", "googleAiApiKey", "ollamaHost",
                     "systemPrompt", "budget", "theme", "llm.defaultProvider", "llm.defaultModel", "app.port", "app.host" })
        {
            Assert.True(settings.TryGetProperty(key, out _), $"GET /api/settings lacks {key}");
        }
        Assert.False(settings.TryGetProperty("app", out _));
        Assert.False(settings.TryGetProperty("llm", out _));
        Assert.Equal(3457, settings.GetProperty("app.port").GetInt32());
        Assert.Equal("127.0.0.1", settings.GetProperty("app.host").GetString());
        Assert.False(settings.GetProperty("onboardingComplete").GetBoolean());
        Assert.Equal("system", settings.GetProperty("theme").GetString());
        Assert.Equal(JsonValueKind.Null, settings.GetProperty("anthropicApiKey").ValueKind);
        Assert.Equal(JsonValueKind.Object, settings.GetProperty("budget").ValueKind);
    }

    [Fact]
    public async Task Put_persists_and_survives_a_restart()
    {
        await using var app = await TestApp.StartAsync();
        using (var owner = await app.LoginClientAsync())
        {
            var put = await Envelope.ReadJsonAsync(await owner.PutAsync("/api/settings",
                Envelope.Json("{\"theme\":\"dark\",\"app.port\":4000,\"onboardingComplete\":true,\"systemPrompt\":\"Be brief. ✓\",\"llm.defaultProvider\":\"openai\"}")));
            Assert.Equal("dark", put.GetProperty("theme").GetString());
        }

        await app.RestartAsync();

        using var again = await app.LoginClientAsync();
        var settings = await Envelope.ReadJsonAsync(await again.GetAsync("/api/settings"));
        Assert.Equal("dark", settings.GetProperty("theme").GetString());
        Assert.Equal(4000, settings.GetProperty("app.port").GetInt32());
        Assert.True(settings.GetProperty("onboardingComplete").GetBoolean());
        Assert.Equal("Be brief. ✓", settings.GetProperty("systemPrompt").GetString());
        Assert.Equal("openai", settings.GetProperty("llm.defaultProvider").GetString());
    }

    [Fact]
    public async Task Null_resets_a_key_to_its_default()
    {
        await using var app = await TestApp.StartAsync();
        using var owner = await app.LoginClientAsync();
        (await owner.PutAsync("/api/settings", Envelope.Json("{\"theme\":\"dark\"}"))).EnsureSuccessStatusCode();

        var settings = await Envelope.ReadJsonAsync(await owner.PutAsync("/api/settings", Envelope.Json("{\"theme\":null}")));

        Assert.Equal("system", settings.GetProperty("theme").GetString());
    }

    [Theory]
    [InlineData("{\"nope\":1}", "nope")]
    [InlineData("{\"app\":{\"port\":4000}}", "app")]
    [InlineData("{\"app.port\":\"4000\"}", "app.port")]
    [InlineData("{\"app.port\":70000}", "app.port")]
    [InlineData("{\"app.port\":1.5}", "app.port")]
    [InlineData("{\"app.host\":\"example.com\"}", "app.host")]
    [InlineData("{\"onboardingComplete\":\"yes\"}", "onboardingComplete")]
    [InlineData("{\"theme\":\"neon\"}", "theme")]
    [InlineData("{\"anthropicApiKey\":42}", "anthropicApiKey")]
    [InlineData("{\"anthropicApiKey\":\"\"}", "anthropicApiKey")]
    [InlineData("{\"ollamaHost\":\"ftp://x\"}", "ollamaHost")]
    [InlineData("{\"llm.fallbacks\":[\"opneai/gpt-4o-mini\"]}", "llm.fallbacks")]
    [InlineData("{\"llm.fallbacks\":[\"openai/\"]}", "llm.fallbacks")]
    [InlineData("{\"llm.fallbacks\":\"openai/gpt-4o-mini\"}", "llm.fallbacks")]
    [InlineData("{\"budget\":{\"daily\":-1}}", "budget")]
    [InlineData("{\"auth.anonymousRateLimit\":5}", "auth.anonymousRateLimit")]
    public async Task Unknown_keys_and_wrong_types_are_400_naming_the_key(string body, string key)
    {
        await using var app = await TestApp.StartAsync();
        using var owner = await app.LoginClientAsync();

        using var response = await owner.PutAsync("/api/settings", Envelope.Json(body));

        var envelope = await Envelope.AssertAsync(response, HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.Contains(key, Envelope.DetailPaths(envelope));
    }

    [Fact]
    public async Task An_unknown_key_is_named_once_in_the_error_without_the_list_of_all_keys()
    {
        await using var app = await TestApp.StartAsync();
        using var owner = await app.LoginClientAsync();

        using var response = await owner.PutAsync("/api/settings", Envelope.Json("{\"foo.bar\":1}"));

        var text = await response.Content.ReadAsStringAsync();
        await Envelope.AssertAsync(response, HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.Contains("'foo.bar' is not a setting", text, StringComparison.Ordinal); // apostrophes readable, not \u0027
        Assert.DoesNotContain("skills.shell.mode", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_key_rejects_the_whole_request()
    {
        await using var app = await TestApp.StartAsync();
        using var owner = await app.LoginClientAsync();

        var envelope = await Envelope.AssertAsync(await owner.PutAsync("/api/settings", Envelope.Json("{\"theme\":\"dark\",\"nope\":1,\"app.port\":-1}")),
            HttpStatusCode.BadRequest, "VALIDATION_ERROR");

        Assert.Equal(["nope", "app.port"], Envelope.DetailPaths(envelope));
        var settings = await Envelope.ReadJsonAsync(await owner.GetAsync("/api/settings"));
        Assert.Equal("system", settings.GetProperty("theme").GetString());
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"theme\"")]
    [InlineData("null")]
    public async Task A_body_that_is_not_an_object_is_400(string body)
    {
        await using var app = await TestApp.StartAsync();
        using var owner = await app.LoginClientAsync();

        await Envelope.AssertAsync(await owner.PutAsync("/api/settings", Envelope.Json(body)), HttpStatusCode.BadRequest, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Secrets_are_masked_and_never_returned_in_full()
    {
        await using var app = await TestApp.StartAsync();
        using var owner = await app.LoginClientAsync();

        using var put = await owner.PutAsync("/api/settings", Envelope.Json($"{{\"anthropicApiKey\":\"{AnthropicKey}\",\"openaiApiKey\":\"short-key\"}}"));
        var putText = await put.Content.ReadAsStringAsync();
        using var get = await owner.GetAsync("/api/settings");
        var getText = await get.Content.ReadAsStringAsync();

        foreach (var text in new[] { putText, getText })
        {
            Assert.DoesNotContain(AnthropicKey, text, StringComparison.Ordinal);
            Assert.DoesNotContain("short-key", text, StringComparison.Ordinal);
            using var json = JsonDocument.Parse(text);
            Assert.Equal("sk-...wxyz", json.RootElement.GetProperty("anthropicApiKey").GetString());
            Assert.Equal("****", json.RootElement.GetProperty("openaiApiKey").GetString());
        }
    }

    [Fact]
    public async Task Putting_back_the_masked_value_keeps_the_secret()
    {
        await using var app = await TestApp.StartAsync();
        using var owner = await app.LoginClientAsync();
        (await owner.PutAsync("/api/settings", Envelope.Json($"{{\"anthropicApiKey\":\"{AnthropicKey}\"}}"))).EnsureSuccessStatusCode();

        // A settings form sends back what it read, secrets masked; the real secret must survive.
        var read = await (await owner.GetAsync("/api/settings")).Content.ReadAsStringAsync();
        var roundTrip = read.Replace("\"theme\":\"system\"", "\"theme\":\"light\"", StringComparison.Ordinal);
        (await owner.PutAsync("/api/settings", Envelope.Json(roundTrip))).EnsureSuccessStatusCode();

        var store = (OpenMotoko.Settings.SettingsStore)app.Services.GetService(typeof(OpenMotoko.Settings.SettingsStore))!;
        Assert.Equal(AnthropicKey, store.GetString("anthropicApiKey"));
        Assert.Equal("light", store.GetString("theme"));
    }

    [Fact]
    public async Task Null_removes_a_secret()
    {
        await using var app = await TestApp.StartAsync();
        using var owner = await app.LoginClientAsync();
        (await owner.PutAsync("/api/settings", Envelope.Json($"{{\"anthropicApiKey\":\"{AnthropicKey}\"}}"))).EnsureSuccessStatusCode();

        var settings = await Envelope.ReadJsonAsync(await owner.PutAsync("/api/settings", Envelope.Json("{\"anthropicApiKey\":null}")));
        Assert.Equal(JsonValueKind.Null, settings.GetProperty("anthropicApiKey").ValueKind);

        await app.RestartAsync();
        using var again = await app.LoginClientAsync();
        var after = await Envelope.ReadJsonAsync(await again.GetAsync("/api/settings"));
        Assert.Equal(JsonValueKind.Null, after.GetProperty("anthropicApiKey").ValueKind);
    }

    [Fact]
    public async Task Env_vars_override_stored_values()
    {
        await using var app = await TestApp.StartAsync(new()
        {
            ["OPENMOTOKO_PASSWORD"] = TestApp.Password,
            ["ANTHROPIC_API_KEY"] = "sk-ant-from-environment-9876",
            ["OPENMOTOKO_PORT"] = "5555",
            ["OLLAMA_HOST"] = "http://gpu-box:11434",
        });
        using var owner = await app.LoginClientAsync();

        var settings = await Envelope.ReadJsonAsync(await owner.PutAsync("/api/settings",
            Envelope.Json($"{{\"anthropicApiKey\":\"{AnthropicKey}\",\"app.port\":4000,\"ollamaHost\":\"http://other:11434\"}}")));

        Assert.Equal("sk-...9876", settings.GetProperty("anthropicApiKey").GetString());
        Assert.Equal(5555, settings.GetProperty("app.port").GetInt32());
        Assert.Equal("http://gpu-box:11434", settings.GetProperty("ollamaHost").GetString());
    }
}
