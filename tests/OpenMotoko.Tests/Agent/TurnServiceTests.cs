using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Agent;
using OpenMotoko.Conversations;
using OpenMotoko.Events;
using OpenMotoko.Hosting;
using OpenMotoko.Tests.Providers.OpenAi;

namespace OpenMotoko.Tests.Agent;

/// <summary>The one way into the agent, driven as a new source would drive it: no HTTP, no check of its own.</summary>
public sealed class TurnServiceTests
{
    /// <summary>Every event of the bus, as a source that watches its own turns would hear them.</summary>
    private sealed class Listener : IEventSubscriber
    {
        public ConcurrentQueue<AgentEvent> Heard { get; } = new();

        public ValueTask OnEventAsync(AgentEvent e)
        {
            Heard.Enqueue(e);
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task A_new_source_starts_a_turn_in_its_chat_and_hears_the_turns_events()
    {
        await using var h = await AgentHarness.StartAsync();
        h.ThenText(100, 20, "Hello", " from the agent").ThenText(10, 5, "Again");
        var turns = h.App.Services.GetRequiredService<TurnService>();
        var listener = new Listener();
        using var listening = h.App.Services.GetRequiredService<EventBus>().Subscribe(listener);

        var run = await turns.StartAsync(new InboundMessage("test-source", "Say hello", Chat: new ChatAddress("test-chat", "42")), CancellationToken.None);
        var outcome = await run.Completion.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Null(outcome.Failure);
        Assert.Equal("Hello from the agent", outcome.Message!.Content);
        var mine = listener.Heard.Where(e => e.Scope.RunId == run.Id).ToList();
        Assert.Equal(["message:received", "message:delta", "message:delta", "llm:complete", "cost:updated", "message:sent"], mine.Select(e => e.Type));
        Assert.All(mine, e => Assert.Equal(run.ConversationId, e.Scope.ConversationId));
        Assert.All(mine.Where(e => e is not CostUpdated), e => Assert.Equal("test-source", e.Scope.Channel));
        Assert.Equal("Hello from the agent", Assert.IsType<MessageSent>(mine[^1]).Message.Content);

        // The chat's conversation is created on first contact and found again after.
        var conversation = await h.GetConversationAsync(run.ConversationId);
        Assert.Equal("test-chat", conversation.GetProperty("channelId").GetString());
        var again = await turns.StartAsync(new InboundMessage("test-source", "And again", Chat: new ChatAddress("test-chat", "42")), CancellationToken.None);
        await again.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(run.ConversationId, again.ConversationId);
        Assert.Equal(4, (await h.MessagesAsync(run.ConversationId)).Length);
        var other = await turns.StartAsync(new InboundMessage("test-source", "Hi", Chat: new ChatAddress("test-chat", "43")), CancellationToken.None);
        Assert.NotEqual(run.ConversationId, other.ConversationId);
    }

    [Fact]
    public async Task Every_check_applies_to_every_source_before_anything_is_stored()
    {
        await using var h = await AgentHarness.StartAsync(s => s.AddSingleton<IAgentTool>(new Fakes.RendezvousTool(2)));
        var turns = h.App.Services.GetRequiredService<TurnService>();
        var id = await h.CreateConversationAsync();
        Task<AgentRun> Start(string? content, string? conversationId = null, string? model = null) =>
            turns.StartAsync(new InboundMessage("test-source", content, conversationId ?? id, Model: model), CancellationToken.None);

        var empty = await Assert.ThrowsAsync<ApiException>(() => Start(""));
        Assert.Equal((400, "VALIDATION_ERROR", "content"), (empty.StatusCode, empty.Code, empty.Details![0].Path));
        var huge = await Assert.ThrowsAsync<ApiException>(() => Start(new string('x', TurnService.MaxContent + 1)));
        Assert.Equal("content", huge.Details![0].Path);
        var missing = await Assert.ThrowsAsync<ApiException>(() => Start("hi", "no-such-conversation"));
        Assert.Equal((404, "NOT_FOUND"), (missing.StatusCode, missing.Code));
        var model = await Assert.ThrowsAsync<ApiException>(() => Start("hi", model: "nowhere/model"));
        Assert.Equal((400, "model"), (model.StatusCode, model.Details![0].Path));
        var unconfigured = await Assert.ThrowsAsync<ApiException>(() => Start("hi", model: "anthropic/claude-sonnet-4-5"));
        Assert.Contains("not configured", unconfigured.Message, StringComparison.Ordinal);
        Assert.Empty(h.ChatRequests);
        Assert.Empty(await h.MessagesAsync(id));

        // One run per conversation, whichever source asks.
        var release = new TaskCompletionSource();
        h.Fake.Then(async ctx =>
        {
            await release.Task.WaitAsync(TimeSpan.FromSeconds(20));
            await FakeOpenAi.StreamAsync(ctx, FakeOpenAi.TextChunks(["done"], 1, 1));
        });
        using var first = h.PostMessageAsync(id, "first").WaitAsync(TimeSpan.FromSeconds(20));
        await WaitUntilAsync(() => h.ChatRequests.Count == 1);
        var busy = await Assert.ThrowsAsync<ApiException>(() => Start("second"));
        Assert.Equal((409, "CONFLICT"), (busy.StatusCode, busy.Code));
        release.SetResult();
        Assert.Equal(HttpStatusCode.OK, (await first).StatusCode);
    }

    [Fact]
    public async Task Concurrent_calls_cannot_overshoot_the_budget_by_more_than_one_call()
    {
        await using var h = await AgentHarness.StartAsync();
        using (var put = await h.Client.PutAsJsonAsync("/api/settings/budget", new { daily = 0.0001m, monthly = 0m }))
        {
            put.EnsureSuccessStatusCode();
        }
        var release = new TaskCompletionSource();
        h.Fake.Then(async ctx =>
        {
            await release.Task.WaitAsync(TimeSpan.FromSeconds(20));
            await FakeOpenAi.StreamAsync(ctx, FakeOpenAi.TextChunks(["fine"], 11, 7));
        });

        var calls = Enumerable.Range(0, 20).Select(_ => h.Client.PostAsJsonAsync("/v1/chat/completions",
            new { model = "openai/gpt-4o-mini", messages = new[] { new { role = "user", content = "Hi" } } })).ToList();
        await WaitUntilAsync(() => calls.Count(c => c.IsCompleted) == 19);
        release.SetResult();
        var answers = await Task.WhenAll(calls);

        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.Equal(19, answers.Count(a => a.StatusCode == (HttpStatusCode)429));
        Assert.Single(h.ChatRequests);
        var refused = JsonDocument.Parse(await answers.First(a => a.StatusCode != HttpStatusCode.OK).Content.ReadAsStringAsync()).RootElement;
        Assert.Contains("held by calls in flight", refused.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        foreach (var answer in answers)
        {
            answer.Dispose();
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting");
            await Task.Delay(5);
        }
    }
}
