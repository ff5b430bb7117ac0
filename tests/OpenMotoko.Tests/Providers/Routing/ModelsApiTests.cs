using System.Net;
using System.Text.Json;
using OpenMotoko.Tests.Providers.OpenAi;

namespace OpenMotoko.Tests.Providers.Routing;

public sealed class ModelsApiTests
{
    private static JsonElement ProviderOf(JsonElement root, string id) =>
        root.GetProperty("providers").EnumerateArray().Single(p => p.GetProperty("id").GetString() == id);

    [Fact]
    public async Task Models_lists_every_provider_with_prices_and_asks_the_generic_server()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        await using var app = await OpenAiProviderTests.StartAsync(fake, new() { ["GENERIC_LLM_BASE_URL"] = fake.BaseUrl });
        using var client = await app.LoginClientAsync();

        using var response = await client.GetAsync("/api/models");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var openAi = ProviderOf(body.RootElement, "openai");
        Assert.Equal("OpenAI", openAi.GetProperty("name").GetString());
        Assert.True(openAi.GetProperty("configured").GetBoolean());
        Assert.False(openAi.TryGetProperty("error", out _));
        var mini = openAi.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("id").GetString() == "gpt-4o-mini");
        Assert.Equal("GPT-4o mini", mini.GetProperty("name").GetString());
        Assert.Equal(128_000, mini.GetProperty("contextWindow").GetInt32());
        Assert.True(mini.GetProperty("supportsTools").GetBoolean());
        Assert.Equal(0.15m, mini.GetProperty("inputPricePerMTok").GetDecimal());
        Assert.Equal(0.60m, mini.GetProperty("outputPricePerMTok").GetDecimal());

        var generic = ProviderOf(body.RootElement, "generic");
        Assert.True(generic.GetProperty("configured").GetBoolean());
        var models = generic.GetProperty("models").EnumerateArray().ToDictionary(m => m.GetProperty("id").GetString()!);
        Assert.Equal(["gpt-4o-mini", "local-llama"], models.Keys.Order());
        Assert.Equal(0.15m, models["gpt-4o-mini"].GetProperty("inputPricePerMTok").GetDecimal());
        Assert.Equal(0m, models["local-llama"].GetProperty("inputPricePerMTok").GetDecimal());
        Assert.Contains(fake.Requests, r => r.Method == "GET" && r.Path == "/v1/models" && r.Authorization == "");
    }

    [Fact]
    public async Task A_provider_whose_list_fails_shows_an_error_and_an_empty_list()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        fake.ThenError(404, "No route /x/v1/models");
        await using var app = await TestApp.StartAsync(new()
        {
            ["OPENMOTOKO_PASSWORD"] = TestApp.Password,
            ["GENERIC_LLM_BASE_URL"] = fake.BaseUrl.Replace("/v1", "/x/v1", StringComparison.Ordinal),
            ["GENERIC_LLM_API_KEY"] = "generic-secret-key-42",
        });
        using var client = await app.LoginClientAsync();

        using var response = await client.GetAsync("/api/models");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var generic = ProviderOf(body.RootElement, "generic");
        Assert.True(generic.GetProperty("configured").GetBoolean());
        Assert.Equal(0, generic.GetProperty("models").GetArrayLength());
        Assert.Contains("No route /x/v1/models", generic.GetProperty("error").GetString());
        Assert.Equal("Bearer generic-secret-key-42", fake.Requests.Single().Authorization);
        var openAi = ProviderOf(body.RootElement, "openai");
        Assert.False(openAi.GetProperty("configured").GetBoolean());
        Assert.True(openAi.GetProperty("models").GetArrayLength() > 0); // the price list shows even before a key is set
    }

    [Fact]
    public async Task Models_needs_a_session()
    {
        await using var app = await TestApp.StartAsync();
        using var response = await app.Client.GetAsync("/api/models");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("UNAUTHORIZED", body.RootElement.GetProperty("code").GetString());
    }
}
