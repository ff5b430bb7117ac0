using System.Net.Http.Json;
using System.Text.Json;
using OpenMotoko.Tests.Agent;
using static OpenMotoko.Tests.Artifacts.ArtifactTestKit;

namespace OpenMotoko.Tests.Artifacts;

/// <summary>The artifacts skill through the agent loop: the fake model calls the tools, the API shows what they did.</summary>
public sealed class ArtifactToolTests
{
    [Fact]
    public async Task Tool_calls_create_update_read_and_list_artifacts_of_the_run_s_conversation()
    {
        await using var h = await AgentHarness.StartAsync();
        var conversation = await h.CreateConversationAsync();
        h.ThenToolCalls(("call_c", "create_artifact", """{"type":"code","title":"Hello","language":"python","content":"print('hi')"}"""))
            .ThenText(10, 5, "Created.");
        using (var reply = await h.PostMessageAsync(conversation, "Write hello world"))
        {
            reply.EnsureSuccessStatusCode();
        }

        var listed = await h.Client.GetFromJsonAsync<JsonElement>($"/api/artifacts?conversationId={conversation}");
        var artifact = listed.GetProperty("items").EnumerateArray().Single();
        var id = artifact.GetProperty("id").GetString()!;
        Assert.Equal("Hello", artifact.GetProperty("title").GetString());
        Assert.Equal("python", artifact.GetProperty("language").GetString());
        var created = Result(await h.MessagesAsync(conversation), "call_c");
        Assert.False(created.GetProperty("isError").GetBoolean());
        Assert.Equal(id, Output(created).GetProperty("id").GetString());

        h.ThenToolCalls(
                ("call_u", "update_artifact", $$"""{"id":"{{id}}","content":"print('hello')","title":"Hello v2","version":1}"""))
            .ThenToolCalls(("call_r", "read_artifact", $$"""{"id":"{{id}}","version":1}"""), ("call_l", "list_artifacts", "{}"))
            .ThenText(10, 5, "Done.");
        using (var reply = await h.PostMessageAsync(conversation, "Say hello instead"))
        {
            reply.EnsureSuccessStatusCode();
        }

        var latest = await h.Client.GetFromJsonAsync<JsonElement>($"/api/artifacts/{id}");
        Assert.Equal(2, latest.GetProperty("version").GetInt64());
        Assert.Equal("print('hello')", latest.GetProperty("content").GetString());
        Assert.Equal("Hello v2", latest.GetProperty("title").GetString());
        var messages = await h.MessagesAsync(conversation);
        Assert.Equal(2, Output(Result(messages, "call_u")).GetProperty("version").GetInt64());
        var (read, text) = Read(Result(messages, "call_r"));
        Assert.Equal("print('hi')", text);
        Assert.Equal(1, read.GetProperty("version").GetInt64());
        Assert.Equal("Hello", read.GetProperty("title").GetString());
        var list = Output(Result(messages, "call_l"));
        Assert.Equal(1, list.GetProperty("total").GetInt64());
        Assert.Equal(id, list.GetProperty("artifacts")[0].GetProperty("id").GetString());

        var events = await h.Client.GetFromJsonAsync<JsonElement>("/api/activity?skillId=artifacts");
        var types = events.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Contains("artifact:created", types);
        Assert.Contains("artifact:updated", types);
        Assert.All(events.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("type").GetString()!.StartsWith("artifact:", StringComparison.Ordinal)),
            e => Assert.Equal(conversation, e.GetProperty("conversationId").GetString()));
    }

    [Fact]
    public async Task Another_conversation_s_artifacts_are_out_of_reach_of_the_tools()
    {
        await using var h = await AgentHarness.StartAsync();
        var owner = await h.CreateConversationAsync();
        var id = (await CreateAsync(h.Client, new { type = "text", title = "Private", content = "owner's notes", conversationId = owner }))
            .GetProperty("id").GetString()!;
        var unbound = (await CreateAsync(h.Client, new { type = "text", title = "Loose", content = "no conversation" })).GetProperty("id").GetString()!;
        var other = await h.CreateConversationAsync();
        h.ThenToolCalls(
                ("call_r", "read_artifact", $$"""{"id":"{{id}}"}"""),
                ("call_u", "update_artifact", $$"""{"id":"{{id}}","content":"overwritten"}"""),
                ("call_n", "read_artifact", $$"""{"id":"{{unbound}}"}"""),
                ("call_l", "list_artifacts", "{}"))
            .ThenText(10, 5, "Nothing there.");
        using (var reply = await h.PostMessageAsync(other, "Read the other notes"))
        {
            reply.EnsureSuccessStatusCode();
        }

        var messages = await h.MessagesAsync(other);
        foreach (var call in new[] { "call_r", "call_u", "call_n" })
        {
            var result = Result(messages, call);
            Assert.True(result.GetProperty("isError").GetBoolean());
            Assert.Contains("No artifact", result.GetProperty("output").GetString());
            Assert.DoesNotContain("notes", result.GetProperty("output").GetString());
        }
        Assert.Equal(0, Output(Result(messages, "call_l")).GetProperty("total").GetInt64());
        var kept = await h.Client.GetFromJsonAsync<JsonElement>($"/api/artifacts/{id}");
        Assert.Equal(1, kept.GetProperty("version").GetInt64());
        Assert.Equal("owner's notes", kept.GetProperty("content").GetString());
    }

    [Fact]
    public async Task Bad_arguments_are_error_results_and_store_nothing()
    {
        await using var h = await AgentHarness.StartAsync();
        var conversation = await h.CreateConversationAsync();
        var big = new string('x', 1024 * 1024 + 1);
        h.ThenToolCalls(
                ("call_1", "create_artifact", """{"type":"pdf","title":"T","content":"c"}"""),
                ("call_2", "create_artifact", """{"type":"text","title":"","content":"c"}"""),
                ("call_3", "create_artifact", """{"type":"markdown","title":"T","content":"c","language":"python"}"""),
                ("call_4", "create_artifact", $$"""{"type":"text","title":"T","content":"{{big}}"}"""),
                ("call_5", "create_artifact", """{"type":"text","title":"T"}"""),
                ("call_6", "read_artifact", """{"id":"x","version":0}"""),
                ("call_7", "update_artifact", """{"id":"missing","content":"c"}"""))
            .ThenText(10, 5, "Sorry.");
        using (var reply = await h.PostMessageAsync(conversation, "Try"))
        {
            reply.EnsureSuccessStatusCode();
        }

        var messages = await h.MessagesAsync(conversation);
        for (var i = 1; i <= 7; i++)
        {
            Assert.True(Result(messages, $"call_{i}").GetProperty("isError").GetBoolean(), $"call_{i}");
        }
        Assert.Contains("1048576", Result(messages, "call_4").GetProperty("output").GetString());
        Assert.Equal(0, (await h.Client.GetFromJsonAsync<JsonElement>("/api/artifacts")).GetProperty("total").GetInt64());
    }

    [Fact]
    public async Task A_stale_version_is_refused_and_long_content_is_read_in_pieces()
    {
        await using var h = await AgentHarness.StartAsync();
        var conversation = await h.CreateConversationAsync();
        var content = string.Concat(Enumerable.Repeat("\"quoted!\"\n", 10_000)); // 100000 characters that JSON would escape
        var id = (await CreateAsync(h.Client, new { type = "text", title = "Long", content, conversationId = conversation })).GetProperty("id").GetString()!;
        using (var edit = await h.Client.SendAsync(Patch(id, new { content })))
        {
            edit.EnsureSuccessStatusCode();
        }
        h.ThenToolCalls(
                ("call_s", "update_artifact", $$"""{"id":"{{id}}","content":"mine","version":1}"""),
                ("call_a", "read_artifact", $$"""{"id":"{{id}}"}"""))
            .ThenText(10, 5, "Ok.");
        using (var reply = await h.PostMessageAsync(conversation, "Edit"))
        {
            reply.EnsureSuccessStatusCode();
        }
        var messages = await h.MessagesAsync(conversation);
        var stale = Result(messages, "call_s");
        Assert.True(stale.GetProperty("isError").GetBoolean());
        Assert.Contains("version 2", stale.GetProperty("output").GetString());
        var (first, piece) = Read(Result(messages, "call_a"));
        Assert.True(piece.Length is > 50_000 and < 65_536);
        Assert.Equal(piece.Length, first.GetProperty("nextOffset").GetInt32());
        Assert.Equal(100_000, first.GetProperty("length").GetInt32());
        Assert.Equal(content[..piece.Length], piece);
        Assert.Equal(2, (await h.Client.GetFromJsonAsync<JsonElement>($"/api/artifacts/{id}")).GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task The_skill_is_listed_with_its_tools_and_off_mode_stops_offering_them()
    {
        await using var h = await AgentHarness.StartAsync();
        var skills = await h.Client.GetFromJsonAsync<JsonElement>("/api/skills");
        var skill = skills.EnumerateArray().Single(s => s.GetProperty("id").GetString() == "artifacts");
        Assert.Equal("auto", skill.GetProperty("mode").GetString());
        Assert.Equal(["create_artifact", "list_artifacts", "read_artifact", "update_artifact"],
            skill.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()).Order(StringComparer.Ordinal));

        using (var off = await h.Client.PutAsJsonAsync("/api/settings", new Dictionary<string, string> { ["skills.artifacts.mode"] = "off" }))
        {
            off.EnsureSuccessStatusCode();
        }
        h.ThenText(10, 5, "Hi.");
        var conversation = await h.CreateConversationAsync();
        using (var reply = await h.PostMessageAsync(conversation, "Hello"))
        {
            reply.EnsureSuccessStatusCode();
        }
        var offered = h.ChatRequests[0].GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()).ToList();
        Assert.DoesNotContain("create_artifact", offered);
        Assert.Contains("remember", offered);
    }

    private static JsonElement Result(JsonElement[] messages, string callId) =>
        messages.Where(m => m.TryGetProperty("toolResults", out _))
            .SelectMany(m => m.GetProperty("toolResults").EnumerateArray())
            .Single(r => r.GetProperty("toolCallId").GetString() == callId);

    /// <summary>read_artifact's answer: a JSON line, then the content as it is.</summary>
    private static (JsonElement Header, string Content) Read(JsonElement result)
    {
        Assert.False(result.GetProperty("isError").GetBoolean(), result.GetProperty("output").GetString());
        var output = result.GetProperty("output").GetString()!;
        var newline = output.IndexOf('\n', StringComparison.Ordinal);
        return (JsonDocument.Parse(output[..newline]).RootElement.Clone(), output[(newline + 1)..]);
    }

    private static JsonElement Output(JsonElement result)
    {
        Assert.False(result.GetProperty("isError").GetBoolean(), result.GetProperty("output").GetString());
        return JsonDocument.Parse(result.GetProperty("output").GetString()!).RootElement.Clone();
    }
}
