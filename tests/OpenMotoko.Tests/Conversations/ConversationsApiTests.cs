using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using OpenMotoko.Tests.Agent;

namespace OpenMotoko.Tests.Conversations;

public sealed class ConversationsApiTests
{
    [Fact]
    public async Task Create_list_get_patch_and_delete_a_conversation()
    {
        await using var h = await AgentHarness.StartAsync();
        using var created = await h.Client.PostAsJsonAsync("/api/conversations", new { title = "Trip", systemPrompt = "Be brief.", model = "openai/gpt-4o" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var first = await AgentHarness.JsonAsync(created);
        var id = first.GetProperty("id").GetString()!;
        Assert.Equal($"/api/conversations/{id}", created.Headers.Location!.OriginalString);
        Assert.Equal("Trip", first.GetProperty("title").GetString());
        Assert.Equal("Be brief.", first.GetProperty("systemPrompt").GetString());
        Assert.Equal("openai/gpt-4o", first.GetProperty("model").GetString());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("channelId").ValueKind);
        Assert.Equal(h.App.Time.GetUtcNow().ToUnixTimeMilliseconds(), first.GetProperty("createdAt").GetInt64());

        h.App.Time.Advance(TimeSpan.FromSeconds(1));
        using var empty = await h.Client.PostAsync("/api/conversations", null);
        Assert.Equal(HttpStatusCode.Created, empty.StatusCode);
        var secondId = (await AgentHarness.JsonAsync(empty)).GetProperty("id").GetString();

        var list = await h.Client.GetFromJsonAsync<JsonElement>("/api/conversations");
        Assert.Equal(2, list.GetProperty("total").GetInt64());
        Assert.Equal([secondId, id], list.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        var paged = await h.Client.GetFromJsonAsync<JsonElement>("/api/conversations?limit=1&offset=1");
        Assert.Equal(id, paged.GetProperty("items").EnumerateArray().Single().GetProperty("id").GetString());
        Assert.Equal(2, paged.GetProperty("total").GetInt64());

        h.App.Time.Advance(TimeSpan.FromSeconds(1));
        using var patched = await h.Client.PatchAsJsonAsync($"/api/conversations/{id}", new { title = "Trip to Rome", systemPrompt = (string?)null });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var updated = await AgentHarness.JsonAsync(patched);
        Assert.Equal("Trip to Rome", updated.GetProperty("title").GetString());
        Assert.Equal(JsonValueKind.Null, updated.GetProperty("systemPrompt").ValueKind);
        Assert.Equal("openai/gpt-4o", updated.GetProperty("model").GetString());
        Assert.True(updated.GetProperty("updatedAt").GetInt64() > updated.GetProperty("createdAt").GetInt64());

        var detail = await h.GetConversationAsync(id);
        Assert.Equal("Trip to Rome", detail.GetProperty("title").GetString());
        Assert.Empty(detail.GetProperty("messages").EnumerateArray());

        using var deleted = await h.Client.DeleteAsync($"/api/conversations/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await h.Client.GetAsync($"/api/conversations/{id}");
        await AssertEnvelope(gone, HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Unknown_ids_answer_404_envelopes()
    {
        await using var h = await AgentHarness.StartAsync();
        await AssertEnvelope(await h.Client.GetAsync("/api/conversations/nope"), HttpStatusCode.NotFound, "NOT_FOUND");
        await AssertEnvelope(await h.Client.PatchAsJsonAsync("/api/conversations/nope", new { title = "x" }), HttpStatusCode.NotFound, "NOT_FOUND");
        await AssertEnvelope(await h.Client.DeleteAsync("/api/conversations/nope"), HttpStatusCode.NotFound, "NOT_FOUND");
        await AssertEnvelope(await h.PostMessageAsync("nope", "hi"), HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Empty(h.ChatRequests);
    }

    [Theory]
    [InlineData("/api/conversations?limit=0", "limit")]
    [InlineData("/api/conversations?limit=101", "limit")]
    [InlineData("/api/conversations?limit=abc", "limit")]
    [InlineData("/api/conversations?offset=-1", "offset")]
    public async Task Bad_paging_is_a_validation_error(string url, string path)
    {
        await using var h = await AgentHarness.StartAsync();
        var body = await AssertEnvelope(await h.Client.GetAsync(url), HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.Equal(path, body.GetProperty("details")[0].GetProperty("path").GetString());
    }

    [Theory]
    [InlineData("""{"title": 5}""", "title")]
    [InlineData("""{"colour": "red"}""", "colour")]
    [InlineData("""{"model": "mars/rover-1"}""", "model")]
    [InlineData("""["title"]""", "$")]
    [InlineData("""{"title": """, "$")]
    public async Task Bad_conversation_bodies_are_validation_errors(string json, string path)
    {
        await using var h = await AgentHarness.StartAsync();
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        var body = await AssertEnvelope(await h.Client.PostAsync("/api/conversations", content), HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.Equal(path, body.GetProperty("details")[0].GetProperty("path").GetString());
    }

    [Fact]
    public async Task Long_fields_and_bad_messages_are_validation_errors()
    {
        await using var h = await AgentHarness.StartAsync();
        var tooLong = await AssertEnvelope(await h.Client.PostAsJsonAsync("/api/conversations", new { title = new string('t', 201) }), HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.Equal("title", tooLong.GetProperty("details")[0].GetProperty("path").GetString());

        var id = await h.CreateConversationAsync();
        foreach (var body in new object[] { new { content = "" }, new { model = "fast" }, new { content = new string('c', 100_001) }, new { content = 7 } })
        {
            var error = await AssertEnvelope(await h.Client.PostAsJsonAsync($"/api/conversations/{id}/messages", body), HttpStatusCode.BadRequest, "VALIDATION_ERROR");
            Assert.Equal("content", error.GetProperty("details")[0].GetProperty("path").GetString());
        }
        var model = await AssertEnvelope(await h.PostMessageAsync(id, "hi", "nowhere/some-model"), HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.Contains("Unknown provider 'nowhere'", model.GetProperty("error").GetString());
        Assert.Empty(h.ChatRequests);
        Assert.Empty(await h.MessagesAsync(id));
    }

    [Fact]
    public async Task Deleting_a_conversation_removes_its_messages()
    {
        await using var h = await AgentHarness.StartAsync();
        var id = await h.CreateConversationAsync();
        var other = await h.CreateConversationAsync();
        (await h.PostMessageAsync(id, "hello")).EnsureSuccessStatusCode();
        (await h.PostMessageAsync(other, "hello too")).EnsureSuccessStatusCode();
        Assert.Equal(2, CountMessages(h.App, id));

        (await h.Client.DeleteAsync($"/api/conversations/{id}")).EnsureSuccessStatusCode();

        Assert.Equal(0, CountMessages(h.App, id));
        Assert.Equal(2, CountMessages(h.App, other));
    }

    private static long CountMessages(TestApp app, string conversationId)
    {
        using var connection = new SqliteConnection($"Data Source={app.DatabasePath}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM messages WHERE conversation_id = $id";
        command.Parameters.AddWithValue("$id", conversationId);
        return (long)command.ExecuteScalar()!;
    }

    internal static async Task<JsonElement> AssertEnvelope(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        using (response)
        {
            Assert.Equal(status, response.StatusCode);
            var body = await AgentHarness.JsonAsync(response);
            Assert.Equal(code, body.GetProperty("code").GetString());
            Assert.False(string.IsNullOrEmpty(body.GetProperty("error").GetString()));
            return body;
        }
    }
}
