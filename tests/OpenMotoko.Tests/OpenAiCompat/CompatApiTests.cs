using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenMotoko.Tests.Providers.OpenAi;

namespace OpenMotoko.Tests.OpenAiCompat;

public sealed class CompatApiTests
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task Non_streamed_completion_has_openai_shape_and_maps_history_and_tools()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        fake.ThenText("Hello", " back");
        await using var app = await OpenAiProviderTests.StartAsync(fake);
        using var client = await app.LoginClientAsync();

        using var response = await client.PostAsync("/v1/chat/completions", Json("""
            {"model":"openai/gpt-4o-mini","max_tokens":100,
             "messages":[{"role":"system","content":"Be brief."},{"role":"user","content":[{"type":"text","text":"Weather?"}]},
               {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Oslo\"}"}}]},
               {"role":"tool","tool_call_id":"call_1","content":"3 degrees"}],
             "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object"}}}]}
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadAsync(response);
        Assert.StartsWith("chatcmpl-", body.GetProperty("id").GetString());
        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        Assert.Equal(app.Time.GetUtcNow().ToUnixTimeSeconds(), body.GetProperty("created").GetInt64());
        Assert.Equal("openai/gpt-4o-mini", body.GetProperty("model").GetString());
        var choice = body.GetProperty("choices")[0];
        Assert.Equal(0, choice.GetProperty("index").GetInt32());
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        Assert.Equal("Hello back", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(11, body.GetProperty("usage").GetProperty("prompt_tokens").GetInt64());
        Assert.Equal(7, body.GetProperty("usage").GetProperty("completion_tokens").GetInt64());
        Assert.Equal(18, body.GetProperty("usage").GetProperty("total_tokens").GetInt64());

        var sent = Assert.Single(fake.Requests).Body;
        Assert.Equal("gpt-4o-mini", sent.GetProperty("model").GetString());
        Assert.Equal(100, sent.GetProperty("max_completion_tokens").GetInt32());
        var messages = sent.GetProperty("messages");
        Assert.Equal(["system", "user", "assistant", "tool"], messages.EnumerateArray().Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("Weather?", messages[1].GetProperty("content").GetString());
        Assert.Equal("{\"city\":\"Oslo\"}", messages[2].GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("call_1", messages[3].GetProperty("tool_call_id").GetString());
        Assert.Equal("get_weather", sent.GetProperty("tools")[0].GetProperty("function").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Streamed_completion_sends_role_deltas_tool_calls_finish_usage_and_done()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        fake.Then(ctx => FakeOpenAi.StreamAsync(ctx,
        [
            FakeOpenAi.Chunk(new JsonObject { ["content"] = "Let me check." }),
            FakeOpenAi.ToolDelta(0, "call_a", "get_weather", "{\"city\":"),
            FakeOpenAi.ToolDelta(0, null, null, "\"Oslo\"}"),
            FakeOpenAi.Chunk(new JsonObject(), "tool_calls"),
            FakeOpenAi.UsageChunk(20, 5),
        ]));
        await using var app = await OpenAiProviderTests.StartAsync(fake);
        using var client = await app.LoginClientAsync();

        using var response = await client.PostAsync("/v1/chat/completions", Json("""
            {"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Weather?"}]}
            """));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(events, e => Assert.StartsWith("data: ", e));
        Assert.Equal("data: [DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal("Let me check.", chunks[1].GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString());
        var call = chunks[2].GetProperty("choices")[0].GetProperty("delta").GetProperty("tool_calls")[0];
        Assert.Equal(0, call.GetProperty("index").GetInt32());
        Assert.Equal("call_a", call.GetProperty("id").GetString());
        Assert.Equal("get_weather", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("{\"city\":\"Oslo\"}", call.GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("tool_calls", chunks[3].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(0, chunks[4].GetProperty("choices").GetArrayLength());
        Assert.Equal(20, chunks[4].GetProperty("usage").GetProperty("prompt_tokens").GetInt64());
        Assert.Equal(5, chunks[4].GetProperty("usage").GetProperty("completion_tokens").GetInt64());
        Assert.Equal(5, chunks.Count);
    }

    [Fact]
    public async Task Models_lists_configured_providers_as_provider_slash_model()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        await using var app = await OpenAiProviderTests.StartAsync(fake);
        using var client = await app.LoginClientAsync();

        var body = await ReadAsync(await client.GetAsync("/v1/models"));

        Assert.Equal("list", body.GetProperty("object").GetString());
        var mini = body.GetProperty("data").EnumerateArray().Single(m => m.GetProperty("id").GetString() == "openai/gpt-4o-mini");
        Assert.Equal("model", mini.GetProperty("object").GetString());
        Assert.Equal("openai", mini.GetProperty("owned_by").GetString());
        Assert.True(mini.TryGetProperty("created", out _));
        Assert.DoesNotContain(body.GetProperty("data").EnumerateArray(), m => m.GetProperty("id").GetString()!.StartsWith("generic/"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-session")]
    public async Task Without_a_valid_session_it_is_401_in_openai_shape(string? token)
    {
        await using var app = await TestApp.StartAsync();
        using var client = app.CreateClient(token);

        foreach (var response in new[] { await client.GetAsync("/v1/models"), await client.PostAsync("/v1/chat/completions", Json("{}")) })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            var error = (await ReadAsync(response)).GetProperty("error");
            Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
            Assert.Equal("invalid_api_key", error.GetProperty("code").GetString());
            Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        }
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"hi"}]}""", "'model'")]
    [InlineData("""{"model":"gpt-4o","messages":[]}""", "'messages'")]
    [InlineData("""{"model":"gpt-4o","messages":[{"role":"wizard","content":"hi"}]}""", "role")]
    [InlineData("""{"model":"nosuch/model","messages":[{"role":"user","content":"hi"}]}""", "Unknown provider 'nosuch'")]
    [InlineData("""{"model":"generic/x","messages":[{"role":"user","content":"hi"}]}""", "GENERIC_LLM_BASE_URL")]
    [InlineData("""{"model":""", "not valid JSON")]
    public async Task Bad_requests_are_400_invalid_request_error(string json, string expected)
    {
        await using var fake = await FakeOpenAi.StartAsync();
        await using var app = await OpenAiProviderTests.StartAsync(fake);
        using var client = await app.LoginClientAsync();

        using var response = await client.PostAsync("/v1/chat/completions", Json(json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await ReadAsync(response)).GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Contains(expected, error.GetProperty("message").GetString());
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task A_provider_error_is_502_with_the_providers_message_minus_the_key()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        fake.ThenError(401, $"Incorrect API key provided: {OpenAiProviderTests.Key}.");
        await using var app = await OpenAiProviderTests.StartAsync(fake);
        using var client = await app.LoginClientAsync();

        using var response = await client.PostAsJsonAsync("/v1/chat/completions",
            new { model = "gpt-4o-mini", stream = true, messages = new[] { new { role = "user", content = "hi" } } });

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(OpenAiProviderTests.Key, text);
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        Assert.Equal("api_error", error.GetProperty("type").GetString());
        Assert.Contains("Incorrect API key provided", error.GetProperty("message").GetString());
    }
}
