using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Hosting;
using OpenMotoko.Providers;
using OpenMotoko.Tests.Providers.OpenAi;

namespace OpenMotoko.Tests.Providers.Routing;

public sealed class ModelSelectorTests
{
    private static Task<TestApp> StartAsync(bool openAi = true, bool generic = true)
    {
        var environment = new Dictionary<string, string> { ["OPENMOTOKO_PASSWORD"] = TestApp.Password };
        if (openAi)
        {
            environment["OPENAI_API_KEY"] = OpenAiProviderTests.Key;
        }
        if (generic)
        {
            environment["GENERIC_LLM_BASE_URL"] = "http://127.0.0.1:9/v1";
        }
        return TestApp.StartAsync(environment);
    }

    private static string Resolve(TestApp app, string? model)
    {
        var choice = app.Services.GetRequiredService<ModelSelector>().Resolve(model);
        return $"{choice.Provider.Id}|{choice.Model}";
    }

    private static ApiException Refused(TestApp app, string? model)
    {
        var error = Assert.Throws<ApiException>(() => app.Services.GetRequiredService<ModelSelector>().Resolve(model));
        Assert.Equal(400, error.StatusCode);
        Assert.Equal("VALIDATION_ERROR", error.Code);
        return error;
    }

    [Theory]
    [InlineData("gpt-4o-mini", "openai|gpt-4o-mini")]
    [InlineData("gpt-5", "openai|gpt-5")]
    [InlineData("chatgpt-4o-latest", "openai|chatgpt-4o-latest")]
    [InlineData("o1", "openai|o1")]
    [InlineData("o3-mini", "openai|o3-mini")]
    [InlineData("o4-mini", "openai|o4-mini")]
    [InlineData("openai/gpt-4.1", "openai|gpt-4.1")]
    [InlineData("OpenAI/gpt-4.1", "openai|gpt-4.1")]
    [InlineData("generic/meta-llama/Llama-3.1-8B", "generic|meta-llama/Llama-3.1-8B")]
    [InlineData("  gpt-4o  ", "openai|gpt-4o")]
    public async Task Bare_ids_route_by_prefix_and_provider_slash_model_names_the_provider(string model, string expected)
    {
        await using var app = await StartAsync();
        Assert.Equal(expected, Resolve(app, model));
    }

    [Fact]
    public async Task Aliases_and_the_default_model_come_from_settings_at_call_time()
    {
        await using var app = await StartAsync();
        await RouterTestKit.SetAsync(app, """{"llm.alias.fast":"openai/gpt-4o-mini","llm.alias.smart":"gpt-5","llm.alias.balanced":"generic/qwen3"}""");
        Assert.Equal("openai|gpt-4o-mini", Resolve(app, "fast"));
        Assert.Equal("openai|gpt-5", Resolve(app, "SMART"));
        Assert.Equal("generic|qwen3", Resolve(app, "balanced"));
        Assert.Equal("generic|qwen3", Resolve(app, null)); // defaultModel's default is "balanced"

        await RouterTestKit.SetAsync(app, """{"llm.defaultModel":"openai/o3"}""");
        Assert.Equal("openai|o3", Resolve(app, ""));
        await RouterTestKit.SetAsync(app, """{"defaultModel":"fast"}""");
        Assert.Equal("openai|gpt-4o-mini", Resolve(app, null));
    }

    [Fact]
    public async Task An_id_without_a_known_prefix_needs_llm_defaultProvider()
    {
        await using var app = await StartAsync();
        Assert.Contains("llm.defaultProvider", Refused(app, "llama3.2").Message);

        await RouterTestKit.SetAsync(app, """{"llm.defaultProvider":"generic"}""");
        Assert.Equal("generic|llama3.2", Resolve(app, "llama3.2"));
    }

    [Fact]
    public async Task Unknown_providers_and_empty_model_names_are_refused()
    {
        await using var app = await StartAsync();
        var unknown = Refused(app, "nosuch/model");
        Assert.Contains("Unknown provider 'nosuch'", unknown.Message);
        Assert.Contains("openai", unknown.Message);
        Assert.Contains("after 'openai/'", Refused(app, "openai/").Message);
        Assert.Contains("google", Refused(app, "gemini-9-ultra").Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_provider_without_its_key_or_url_is_refused_naming_what_to_set()
    {
        await using var app = await StartAsync(openAi: false, generic: false);
        var openAi = Refused(app, "gpt-4o");
        Assert.Contains("OPENAI_API_KEY", openAi.Message);
        Assert.Contains("openaiApiKey", openAi.Message);
        Assert.Contains("GENERIC_LLM_BASE_URL", Refused(app, "generic/some-model").Message);
    }
}
