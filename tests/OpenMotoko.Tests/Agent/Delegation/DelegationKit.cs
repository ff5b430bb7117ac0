using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using OpenMotoko.Tests.Providers.OpenAi;

namespace OpenMotoko.Tests.Agent.Delegation;

/// <summary>One scripted model answer: written from the request the fake received (so it can name the ids spawn_agent returned).</summary>
internal delegate Task ScriptedAnswer(HttpContext context, JsonElement request);

/// <summary>
/// Answers the fake provider's chat requests by the run they come from: each run's first user message
/// (its task) picks a queue of answers, so a parent and its sub-agents can call the same fake at once.
/// </summary>
internal sealed class RunScripts
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ScriptedAnswer>> _byTask = new(StringComparer.Ordinal);

    public RunScripts(FakeOpenAi fake) => fake.Otherwise = HandleAsync;

    /// <summary>The requests whose task contained the key, in the order they arrived.</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<JsonElement>> Requests { get; } = new(StringComparer.Ordinal);

    public RunScripts On(string taskContains, params ScriptedAnswer[] answers)
    {
        var queue = _byTask.GetOrAdd(taskContains, _ => new ConcurrentQueue<ScriptedAnswer>());
        foreach (var answer in answers)
        {
            queue.Enqueue(answer);
        }
        return this;
    }

    public JsonElement[] RequestsOf(string taskContains) => Requests.TryGetValue(taskContains, out var list) ? [.. list] : [];

    private Task HandleAsync(HttpContext context, JsonElement request)
    {
        var task = TaskOf(request);
        var key = _byTask.Keys.Where(k => task.Contains(k, StringComparison.Ordinal)).OrderByDescending(k => k.Length).FirstOrDefault();
        if (key is null)
        {
            return FakeOpenAi.StreamAsync(context, FakeOpenAi.TextChunks([$"(no script for '{task}')"], 3, 1));
        }
        Requests.GetOrAdd(key, _ => new ConcurrentQueue<JsonElement>()).Enqueue(request);
        return _byTask[key].TryDequeue(out var answer) ? answer(context, request) : FakeOpenAi.StreamAsync(context, FakeOpenAi.TextChunks(["(script ended)"], 3, 1));
    }

    public static string TaskOf(JsonElement request) =>
        request.GetProperty("messages").EnumerateArray().First(m => m.GetProperty("role").GetString() == "user").GetProperty("content").GetString()!;

    /// <summary>The tool results of the request, as the model sees them: (tool call id, content).</summary>
    public static List<(string CallId, string Content)> ToolResults(JsonElement request) =>
        [.. request.GetProperty("messages").EnumerateArray().Where(m => m.GetProperty("role").GetString() == "tool")
            .Select(m => (m.GetProperty("tool_call_id").GetString()!, m.GetProperty("content").GetString()!))];

    /// <summary>The ids spawn_agent returned in this run so far.</summary>
    public static string[] SpawnedIds(JsonElement request) =>
        [.. ToolResults(request).Select(r => r.Content).Where(c => c.StartsWith('{') && c.Contains("\"conversationId\"", StringComparison.Ordinal))
            .Select(c => JsonNode.Parse(c)!["id"]!.GetValue<string>())];

    public static ScriptedAnswer Text(string text, long prompt = 100, long completion = 20) =>
        (ctx, _) => FakeOpenAi.StreamAsync(ctx, FakeOpenAi.TextChunks([text], prompt, completion));

    public static ScriptedAnswer Calls(params (string Id, string Name, object Arguments)[] calls) => Calls(100, 20, calls);

    public static ScriptedAnswer Calls(long prompt, long completion, params (string Id, string Name, object Arguments)[] calls) =>
        (ctx, _) => FakeOpenAi.StreamAsync(ctx, AgentHarness.ToolCallChunks(prompt, completion,
            [.. calls.Select(c => (c.Id, c.Name, JsonSerializer.Serialize(c.Arguments)))]));

    /// <summary>Calls wait_agents on every sub-agent this run spawned.</summary>
    public static ScriptedAnswer WaitForSpawned(int? timeoutSec = null) => (ctx, request) =>
    {
        var ids = SpawnedIds(request);
        object arguments = timeoutSec is { } t ? new { ids, timeoutSec = t } : new { ids };
        return FakeOpenAi.StreamAsync(ctx, AgentHarness.ToolCallChunks(100, 20, ("w1", "wait_agents", JsonSerializer.Serialize(arguments))));
    };

    /// <summary>Answers with the content of the last tool result, so a test sees what the model got.</summary>
    public static ScriptedAnswer EchoLastToolResult() => (ctx, request) =>
        FakeOpenAi.StreamAsync(ctx, FakeOpenAi.TextChunks(["Got: " + ToolResults(request)[^1].Content], 100, 20));

    /// <summary>Streams <paramref name="text"/>, then holds the call open until the daemon aborts it; sets <paramref name="aborted"/> then.</summary>
    public static ScriptedAnswer Stall(string text, TaskCompletionSource? started = null, TaskCompletionSource? aborted = null, Task? release = null) =>
        async (ctx, _) =>
        {
            await FakeOpenAi.StreamAsync(ctx, [FakeOpenAi.Chunk(new JsonObject { ["role"] = "assistant", ["content"] = text })], done: false);
            started?.TrySetResult();
            try
            {
                await (release ?? new TaskCompletionSource().Task).WaitAsync(ctx.RequestAborted);
                foreach (var chunk in new[] { FakeOpenAi.Chunk(new JsonObject(), "stop"), FakeOpenAi.UsageChunk(100, 20) })
                {
                    await ctx.Response.WriteAsync($"data: {chunk.ToJsonString()}\n\n");
                }
                await ctx.Response.WriteAsync("data: [DONE]\n\n");
            }
            catch (OperationCanceledException)
            {
                aborted?.TrySetResult();
            }
        };
}

internal static class AgentsApiKit
{
    public static async Task<JsonElement> AgentsAsync(HttpClient client) => await client.GetFromJsonAsync<JsonElement>("/api/agents");

    public static async Task<JsonElement> AgentAsync(HttpClient client, string id) => await client.GetFromJsonAsync<JsonElement>($"/api/agents/{id}");

    public static JsonElement[] Items(JsonElement page) => [.. page.GetProperty("items").EnumerateArray()];

    /// <summary>Polls GET /api/agents/:id until the run has the status (runs end in the background).</summary>
    public static async Task<JsonElement> UntilStatusAsync(HttpClient client, string id, params string[] statuses)
    {
        for (var i = 0; i < 300; i++)
        {
            var run = await AgentAsync(client, id);
            if (statuses.Contains(run.GetProperty("status").GetString()))
            {
                return run;
            }
            await Task.Delay(20);
        }
        throw new TimeoutException($"run {id} never reached {string.Join("/", statuses)}: {await AgentAsync(client, id)}");
    }

    public static async Task<JsonElement> UntilAsync(HttpClient client, Func<JsonElement[], bool> condition)
    {
        for (var i = 0; i < 300; i++)
        {
            var items = Items(await AgentsAsync(client));
            if (condition(items))
            {
                return await AgentsAsync(client);
            }
            await Task.Delay(20);
        }
        throw new TimeoutException($"the agents list never matched: {await AgentsAsync(client)}");
    }
}
