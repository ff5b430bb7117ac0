using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenMotoko.Tests.Providers.Fakes;
using static OpenMotoko.Tests.Providers.Routing.ProviderWires;

namespace OpenMotoko.Tests.Providers.Routing;

/// <summary>
/// The README's Quick start with each single provider: only that provider's key (or URL) is set,
/// nothing names a model, and a message still gets its answer from that provider's fake over real HTTP.
/// </summary>
public sealed class QuickStartPerProviderTests
{
    [Theory]
    [InlineData("anthropic", "claude-sonnet-4-5")]
    [InlineData("openai", "gpt-4.1")]
    [InlineData("google", "gemini-2.5-flash")]
    [InlineData("ollama", "llama3.2")]
    [InlineData("generic", "served-first")] // the server's first listed model; stored as generic/default
    public async Task A_message_with_no_model_named_goes_to_the_only_configured_provider(string providerId, string expectedModel)
    {
        var wire = Wires[providerId];
        await using var fake = await WireFakeServer.StartAsync();
        if (providerId == "generic")
        {
            fake.EnqueueJson(200, """{"object":"list","data":[{"id":"served-first","object":"model"},{"id":"other","object":"model"}]}""");
        }
        wire.Answer(fake, ["Hello", " from ", providerId]);
        var environment = wire.Environment(fake.BaseUrl);
        environment["OPENMOTOKO_PASSWORD"] = TestApp.Password;
        await using var app = await TestApp.StartAsync(environment);
        using var client = await app.LoginClientAsync();

        using var created = await client.PostAsJsonAsync("/api/conversations", new { });
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        using var reply = await client.PostAsJsonAsync($"/api/conversations/{id}/messages", new { content = "Hi" });

        var body = await reply.Content.ReadAsStringAsync();
        Assert.True(reply.StatusCode == HttpStatusCode.OK, body);
        var message = JsonDocument.Parse(body).RootElement;
        Assert.Equal($"Hello from {providerId}", message.GetProperty("content").GetString());
        Assert.Equal(providerId, message.GetProperty("provider").GetString());
        Assert.Equal(providerId == "generic" ? "default" : expectedModel, message.GetProperty("model").GetString());
        var call = fake.Requests[^1];
        Assert.Equal(providerId == "generic" ? "GET" : "POST", fake.Requests[0].Method);
        Assert.Contains(expectedModel, call.PathAndQuery + call.Body);
    }

    [Fact]
    public async Task Llm_defaultProvider_wins_over_the_order_and_a_set_alias_wins_over_the_provider_defaults()
    {
        var openAi = Wires["openai"];
        await using var fake = await WireFakeServer.StartAsync();
        openAi.Answer(fake, ["first"]);
        openAi.Answer(fake, ["second"]);
        var environment = openAi.Environment(fake.BaseUrl);
        environment["ANTHROPIC_API_KEY"] = "sk-ant-test-order-0123";
        environment["ANTHROPIC_BASE_URL"] = "http://127.0.0.1:9";
        environment["OPENMOTOKO_PASSWORD"] = TestApp.Password;
        await using var app = await TestApp.StartAsync(environment);
        var selector = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<OpenMotoko.Providers.ModelSelector>(app.Services);

        Assert.Equal("anthropic/claude-sonnet-4-5", selector.Resolve(null).Qualified); // anthropic comes before openai
        Assert.Equal("anthropic/claude-haiku-4-5", selector.Resolve("fast").Qualified);
        await RouterTestKit.SetAsync(app, """{"llm.defaultProvider":"openai"}""");
        Assert.Equal("openai/gpt-4.1", selector.Resolve(null).Qualified);
        Assert.Equal("openai/gpt-5", selector.Resolve("smart").Qualified);
        await RouterTestKit.SetAsync(app, """{"llm.alias.smart":"openai/o3"}""");
        Assert.Equal("openai/o3", selector.Resolve("smart").Qualified);

        await RouterTestKit.SetAsync(app, """{"llm.defaultModel":"smart"}"""); // one setting under two names
        var settings = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<OpenMotoko.Settings.SettingsStore>(app.Services);
        Assert.Equal("smart", settings.GetString("defaultModel"));
        Assert.Equal("openai/o3", selector.Resolve(null).Qualified);
    }
}
