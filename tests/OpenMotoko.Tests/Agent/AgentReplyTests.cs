using OpenMotoko.Providers;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Events;
using OpenMotoko.Agent;
using OpenMotoko.Tests.Agent.Fakes;
using OpenMotoko.Tests.Conversations;
using OpenMotoko.Tests.Providers.OpenAi;

namespace OpenMotoko.Tests.Agent;

public sealed class AgentReplyTests
{
    [Fact]
    public async Task A_message_is_answered_as_json_priced_and_stored()
    {
        var sink = new RecordingSink();
        var observer = new CountingObserver();
        await using var h = await AgentHarness.StartAsync(s =>
        {
            s.AddSingleton<IEventSubscriber>(sink);
            s.AddSingleton<IEventSubscriber>(observer);
        });
        h.ThenText(1000, 500, "Hello", " world");
        var id = await h.CreateConversationAsync();

        using var response = await h.PostMessageAsync(id, "Say hello");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Matches("^[0-9a-f]{32}$", Assert.Single(response.Headers.GetValues("X-Run-Id")));
        var reply = await AgentHarness.JsonAsync(response);
        Assert.Equal(id, reply.GetProperty("conversationId").GetString());
        Assert.Equal("assistant", reply.GetProperty("role").GetString());
        Assert.Equal("Hello world", reply.GetProperty("content").GetString());
        Assert.Equal("gpt-4o-mini", reply.GetProperty("model").GetString());
        Assert.Equal("openai", reply.GetProperty("provider").GetString());
        var usage = reply.GetProperty("usage");
        Assert.Equal(1000, usage.GetProperty("inputTokens").GetInt64());
        Assert.Equal(500, usage.GetProperty("outputTokens").GetInt64());
        Assert.Equal(0.00045m, usage.GetProperty("cost").GetDecimal()); // 1000 × $0.15/M + 500 × $0.60/M

        var request = Assert.Single(h.ChatRequests);
        Assert.Equal("gpt-4o-mini", request.GetProperty("model").GetString());
        Assert.Equal("system,user", AgentHarness.Shape(request));
        Assert.StartsWith("You are OpenMotoko", request.GetProperty("messages")[0].GetProperty("content").GetString());
        Assert.Equal("Say hello", request.GetProperty("messages")[1].GetProperty("content").GetString());

        var messages = await h.MessagesAsync(id);
        Assert.Equal(["user", "assistant"], messages.Select(m => m.GetProperty("role").GetString()));
        var stored = messages[1];
        Assert.Equal(reply.GetProperty("id").GetString(), stored.GetProperty("id").GetString());
        Assert.Equal("Hello world", stored.GetProperty("content").GetString());
        Assert.Equal(1000, stored.GetProperty("inputTokens").GetInt64());
        Assert.Equal(0.00045m, stored.GetProperty("cost").GetDecimal());
        Assert.Equal("Say hello", (await h.GetConversationAsync(id)).GetProperty("title").GetString());

        Assert.Equal(("openai", "gpt-4o-mini", 1000L, 500L, 0.00045m), Assert.Single(observer.After));
        Assert.Equal(["message:received", "llm:complete", "cost:updated", "message:sent"], sink.Entries.Select(e => e.Type));
        var llm = sink.Entries.Single(e => e.Type == "llm:complete");
        Assert.Equal(id, llm.ConversationId);
        Assert.Equal("openai", llm.Data["provider"]!.GetValue<string>());
        Assert.Equal(500, llm.Data["outputTokens"]!.GetValue<long>());
        Assert.Equal(0.00045m, llm.Data["cost"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task A_streamed_reply_sends_each_delta_as_the_provider_produces_it()
    {
        await using var h = await AgentHarness.StartAsync();
        var firstDeltaSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Fake.Then(ctx => FakeOpenAi.StreamAsync(ctx, FakeOpenAi.TextChunks(["The ", "answer ", "is ", "42."], 2000, 1000),
            // Holds the rest of the answer until the client has seen the first words: buffering would deadlock here.
            beforeChunk: index => index == 2 ? firstDeltaSeen.Task.WaitAsync(TimeSpan.FromSeconds(30)) : Task.CompletedTask));
        var id = await h.CreateConversationAsync();

        using var response = await h.PostStreamingAsync(id, "What is the answer?");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        var events = new List<SseEvent>();
        await foreach (var item in AgentHarness.EventsAsync(response))
        {
            events.Add(item);
            if (item.Type == "message.delta")
            {
                firstDeltaSeen.TrySetResult();
            }
        }

        Assert.Equal(["message.delta", "message.delta", "message.delta", "message.delta", "message.done"], events.Select(e => e.Type));
        Assert.Equal("The answer is 42.", string.Concat(events.Where(e => e.Type == "message.delta").Select(e => e.Data.GetProperty("text").GetString())));
        var done = events[^1].Data;
        Assert.Equal("The answer is 42.", done.GetProperty("content").GetString());
        Assert.Equal("assistant", done.GetProperty("role").GetString());
        Assert.Equal(id, done.GetProperty("conversationId").GetString());
        Assert.Equal(2000, done.GetProperty("usage").GetProperty("inputTokens").GetInt64());
        Assert.Equal(1000, done.GetProperty("usage").GetProperty("outputTokens").GetInt64());
        Assert.Equal(0.0009m, done.GetProperty("usage").GetProperty("cost").GetDecimal()); // 2000 × 0.15/M + 1000 × 0.60/M
        Assert.Equal(done.GetProperty("id").GetString(), (await h.MessagesAsync(id))[1].GetProperty("id").GetString());
    }

    [Fact]
    public async Task The_streamed_message_done_and_the_JSON_reply_have_one_shape()
    {
        await using var h = await AgentHarness.StartAsync();
        h.ThenText(10, 5, "Plain");
        h.ThenText(10, 5, "Streamed");
        var id = await h.CreateConversationAsync();

        using var plain = await h.PostMessageAsync(id, "First");
        var reply = await AgentHarness.JsonAsync(plain);
        using var streamed = await h.PostStreamingAsync(id, "Second");
        var done = (await AgentHarness.AllEventsAsync(streamed))[^1];

        Assert.Equal("message.done", done.Type);
        static string Shape(System.Text.Json.JsonElement e) => string.Join(",", e.EnumerateObject().Select(p => $"{p.Name}:{p.Value.ValueKind}"));
        Assert.Equal(Shape(reply), Shape(done.Data));
        Assert.Equal(Shape(reply.GetProperty("usage")), Shape(done.Data.GetProperty("usage")));
        Assert.Equal(("Plain", "Streamed"), (reply.GetProperty("content").GetString(), done.Data.GetProperty("content").GetString()));
    }

    [Fact]
    public async Task A_provider_error_is_a_502_with_its_message_and_stored_as_a_failed_turn()
    {
        await using var h = await AgentHarness.StartAsync();
        h.Fake.ThenError(400, "The model `gpt-4o-mini` does not exist or you do not have access to it.");
        var id = await h.CreateConversationAsync();

        var body = await ConversationsApiTests.AssertEnvelope(await h.PostMessageAsync(id, "Hi"), HttpStatusCode.BadGateway, "LLM_ERROR");

        var error = body.GetProperty("error").GetString()!;
        Assert.Contains("does not exist or you do not have access to it", error);
        Assert.DoesNotContain(AgentHarness.ApiKey, error);
        var messages = await h.MessagesAsync(id);
        Assert.Equal(["user", "assistant"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal(error, messages[1].GetProperty("error").GetString());
        Assert.Equal("LLM_ERROR", messages[1].GetProperty("errorCode").GetString());
        Assert.Equal("openai", messages[1].GetProperty("provider").GetString());
    }

    [Fact]
    public async Task A_provider_error_while_streaming_is_an_error_event()
    {
        await using var h = await AgentHarness.StartAsync();
        h.Fake.ThenError(401, "Incorrect API key provided.");
        var id = await h.CreateConversationAsync();

        using var response = await h.PostStreamingAsync(id, "Hi");
        var events = await AgentHarness.AllEventsAsync(response);

        var error = Assert.Single(events);
        Assert.Equal("error", error.Type);
        Assert.Equal("LLM_ERROR", error.Data.GetProperty("code").GetString());
        Assert.Contains("Incorrect API key provided.", error.Data.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_refusing_call_observer_stops_the_run_before_any_provider_request()
    {
        await using var h = await AgentHarness.StartAsync(s => s.AddSingleton<ILlmCallGate, RefusingObserver>());
        var id = await h.CreateConversationAsync();

        var body = await ConversationsApiTests.AssertEnvelope(await h.PostMessageAsync(id, "Hi"), HttpStatusCode.TooManyRequests, "BUDGET_EXCEEDED");
        Assert.Contains("Daily budget", body.GetProperty("error").GetString());

        using var streamed = await h.PostStreamingAsync(id, "Hi again");
        var error = Assert.Single(await AgentHarness.AllEventsAsync(streamed));
        Assert.Equal("BUDGET_EXCEEDED", error.Data.GetProperty("code").GetString());

        Assert.Empty(h.ChatRequests);
        var messages = await h.MessagesAsync(id);
        Assert.Equal(["user", "assistant", "user", "assistant"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.All(messages.Where(m => m.GetProperty("role").GetString() == "assistant"),
            m => Assert.Equal("BUDGET_EXCEEDED", m.GetProperty("errorCode").GetString()));
    }

    [Fact]
    public async Task The_system_prompt_comes_from_the_conversation_then_the_setting_plus_contributors()
    {
        await using var h = await AgentHarness.StartAsync(s => s.AddSingleton<ISystemPromptContributor>(new FixedContributor("The owner likes tea.")));
        var own = await h.CreateConversationAsync(new { systemPrompt = "You are a pirate." });
        var plain = await h.CreateConversationAsync();
        await Providers.Routing.RouterTestKit.SetAsync(h.App, """{"systemPrompt": "You are a butler."}""");

        (await h.PostMessageAsync(own, "Hi")).EnsureSuccessStatusCode();
        (await h.PostMessageAsync(plain, "Hi")).EnsureSuccessStatusCode();

        var prompts = h.ChatRequests.Select(r => r.GetProperty("messages")[0].GetProperty("content").GetString()!).ToList();
        Assert.Equal(["You are a pirate.\n\nThe owner likes tea.", "You are a butler.\n\nThe owner likes tea."], prompts);
    }
}
