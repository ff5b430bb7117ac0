using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Agent;
using OpenMotoko.Tests.Conversations;
using OpenMotoko.Tests.Providers.OpenAi;

namespace OpenMotoko.Tests.Agent;

public sealed class AgentRunTests
{
    [Fact]
    public async Task A_client_that_disconnects_mid_stream_still_gets_the_reply_stored()
    {
        await using var h = await AgentHarness.StartAsync();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Fake.Then(ctx => FakeOpenAi.StreamAsync(ctx, FakeOpenAi.TextChunks(["Part one, ", "part two."], 50, 10),
            beforeChunk: index => index == 2 ? gate.Task : Task.CompletedTask));
        var id = await h.CreateConversationAsync();

        var response = await h.PostStreamingAsync(id, "Tell me in two parts");
        await using (var events = AgentHarness.EventsAsync(response).GetAsyncEnumerator())
        {
            Assert.True(await events.MoveNextAsync());
            Assert.Equal("message.delta", events.Current.Type);
        }
        response.Dispose(); // the client goes away mid-answer
        var run = FindRun(h, id);
        gate.SetResult();

        var outcome = await run.Completion.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Null(outcome.Failure);
        var stored = await h.MessagesAsync(id);
        Assert.Equal("Part one, part two.", stored[^1].GetProperty("content").GetString());
        Assert.False(stored[^1].TryGetProperty("error", out _));
    }

    [Fact]
    public async Task Deleting_a_running_agent_cancels_it_and_stores_what_it_had()
    {
        await using var h = await AgentHarness.StartAsync();
        h.Fake.Then(StallAfterFirstWords);
        var id = await h.CreateConversationAsync();

        using var response = await h.PostStreamingAsync(id, "Think hard");
        await using var events = AgentHarness.EventsAsync(response).GetAsyncEnumerator();
        Assert.True(await events.MoveNextAsync());
        Assert.Equal("Thinking", events.Current.Data.GetProperty("text").GetString());

        var runId = Assert.Single(response.Headers.GetValues("X-Run-Id")); // the stream names its run
        var list = await h.Client.GetFromJsonAsync<JsonElement>("/api/agents");
        var running = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal(runId, running.GetProperty("id").GetString());
        Assert.Equal(id, running.GetProperty("conversationId").GetString());
        Assert.Equal("running", running.GetProperty("status").GetString());
        Assert.Equal(h.App.Time.GetUtcNow().ToUnixTimeMilliseconds(), running.GetProperty("startedAt").GetInt64());
        Assert.Equal(runId, (await h.Client.GetFromJsonAsync<JsonElement>($"/api/agents/{runId}")).GetProperty("id").GetString());
        await ConversationsApiTests.AssertEnvelope(await h.PostMessageAsync(id, "Are you there?"), HttpStatusCode.Conflict, "CONFLICT");

        using var cancelled = await h.Client.DeleteAsync($"/api/agents/{runId}");
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);

        Assert.True(await events.MoveNextAsync());
        Assert.Equal("error", events.Current.Type);
        Assert.Equal("CANCELLED", events.Current.Data.GetProperty("code").GetString());
        Assert.False(await events.MoveNextAsync());
        var last = (await h.MessagesAsync(id))[^1];
        Assert.Equal("Thinking", last.GetProperty("content").GetString());
        Assert.Equal("CANCELLED", last.GetProperty("errorCode").GetString());
        // An ended run stays listed for an hour with how it ended; cancelling it again changes nothing.
        var ended = await h.Client.GetFromJsonAsync<JsonElement>($"/api/agents/{runId}");
        Assert.Equal("cancelled", ended.GetProperty("status").GetString());
        Assert.Equal("cancelled", ended.GetProperty("reason").GetString());
        Assert.Equal("Thinking", ended.GetProperty("output").GetString());
        using var again = await h.Client.DeleteAsync($"/api/agents/{runId}");
        Assert.Equal("cancelled", (await AgentHarness.JsonAsync(again)).GetProperty("status").GetString());
        Assert.Equal("cancelled", Assert.Single((await h.Client.GetFromJsonAsync<JsonElement>("/api/agents")).GetProperty("items").EnumerateArray())
            .GetProperty("status").GetString());
        await ConversationsApiTests.AssertEnvelope(await h.Client.GetAsync("/api/agents/no-such-run"), HttpStatusCode.NotFound, "NOT_FOUND");
        await ConversationsApiTests.AssertEnvelope(await h.Client.DeleteAsync("/api/agents/no-such-run"), HttpStatusCode.NotFound, "NOT_FOUND");
        h.App.Time.Advance(TimeSpan.FromMinutes(61));
        Assert.Empty((await h.Client.GetFromJsonAsync<JsonElement>("/api/agents")).GetProperty("items").EnumerateArray());
        Assert.Equal("cancelled", (await h.Client.GetFromJsonAsync<JsonElement>($"/api/agents/{runId}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Shutdown_cancels_running_agents_and_stores_what_they_had()
    {
        await using var h = await AgentHarness.StartAsync();
        h.Fake.Then(StallAfterFirstWords);
        var id = await h.CreateConversationAsync();
        using var response = await h.PostStreamingAsync(id, "Think hard");
        await using (var events = AgentHarness.EventsAsync(response).GetAsyncEnumerator())
        {
            Assert.True(await events.MoveNextAsync());
        }

        await h.App.RestartAsync();

        using var client = await h.App.LoginClientAsync();
        var detail = await client.GetFromJsonAsync<JsonElement>($"/api/conversations/{id}");
        var last = detail.GetProperty("messages").EnumerateArray().Last();
        Assert.Equal("Thinking", last.GetProperty("content").GetString());
        Assert.Equal("CANCELLED", last.GetProperty("errorCode").GetString());
    }

    /// <summary>Streams one word, then holds the connection until the daemon gives up on it.</summary>
    private static async Task StallAfterFirstWords(HttpContext ctx)
    {
        await FakeOpenAi.StreamAsync(ctx, [FakeOpenAi.Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "Thinking" })], done: false);
        try
        {
            await new TaskCompletionSource().Task.WaitAsync(ctx.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // the daemon cancelled the call
        }
    }

    private static AgentRun FindRun(AgentHarness h, string conversationId)
    {
        var runs = h.App.Services.GetRequiredService<AgentRuns>();
        var info = Assert.Single(runs.Running, r => r.ConversationId == conversationId);
        return runs.Find(info.Id)!;
    }
}
