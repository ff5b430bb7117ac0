using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace OpenMotoko.Tests.OpenAiCompat;

/// <summary>Every malformed /v1 request is a 4xx in OpenAI's error shape, never a 500 or our envelope.</summary>
public sealed class CompatMalformedInputTests
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> AssertOpenAiErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        using var document = JsonDocument.Parse(text);
        var error = document.RootElement.GetProperty("error").Clone();
        Assert.Equal(JsonValueKind.Object, error.ValueKind);
        Assert.False(document.RootElement.TryGetProperty("code", out _)); // not our envelope
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.False(string.IsNullOrEmpty(error.GetProperty("type").GetString()));
        Assert.True(error.TryGetProperty("code", out _));
        return error;
    }

    [Theory]
    [InlineData("""{"model":"\ud800","messages":[{"role":"user","content":"hi"}]}""")]
    [InlineData("""{"model":"openai/gpt-4o-mini","messages":[{"role":"\ud800","content":"hi"}]}""")]
    [InlineData("""{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"\ud800"}]}""")]
    [InlineData("""{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":[{"type":"text","text":"\udc00"}]}]}""")]
    [InlineData("""{"model":"openai/gpt-4o-mini","messages":[{"role":"tool","tool_call_id":"\ud800","content":"x"}]}""")]
    [InlineData("""{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"\ud800"}}]}""")]
    [InlineData("""{"model":"openai/gpt-4o-mini","messages":[{"role":"assistant","tool_calls":[{"id":"c","function":{"name":"\ud800","arguments":"{}"}}]}]}""")]
    [InlineData("""{"model":"openai/gpt-4o-mini","\ud800":1,"messages":[{"role":"user","content":"hi"}]}""")]
    [InlineData("""{"model":"openai/gpt-4o-mini","messages":[1]}""")]
    [InlineData("""{"model":"openai/gpt-4o-mini","messages":[{"role":"assistant","tool_calls":[1]}]}""")]
    [InlineData("""{"model":"openai/gpt-4o-mini","messages":[{"role":"assistant","tool_calls":[{"id":"c","function":{"name":5}}]}]}""")]
    [InlineData("""{"model":"openai/gpt-4o-mini","messages":[{"role":"assistant","tool_calls":[{"id":5,"function":"f"}]}]}""")]
    public async Task Malformed_bodies_are_400_invalid_request_error(string body)
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();

        using var response = await client.PostAsync("/v1/chat/completions", Json(body));

        var error = await AssertOpenAiErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_body_that_is_not_json_by_content_type_is_415()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();

        using var response = await client.PostAsync("/v1/chat/completions",
            new StringContent("""{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "text/plain"));

        var error = await AssertOpenAiErrorAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_in_openai_shape()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();
        var big = """{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":" """ + new string('a', 1024 * 1024 + 10) + "\"}]}";
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(big));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await client.PostAsync("/v1/chat/completions", content);

        await AssertOpenAiErrorAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Unknown_routes_and_wrong_methods_under_v1_answer_in_openai_shape()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();

        using var unknown = await client.GetAsync("/v1/embeddings");
        using var wrongMethod = await client.GetAsync("/v1/chat/completions");

        await AssertOpenAiErrorAsync(unknown, HttpStatusCode.NotFound);
        await AssertOpenAiErrorAsync(wrongMethod, HttpStatusCode.MethodNotAllowed);
    }
}
