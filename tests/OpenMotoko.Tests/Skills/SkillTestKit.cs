using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Agent;
using OpenMotoko.Events;

namespace OpenMotoko.Tests.Skills;

/// <summary>Drives the registered tools and policy the way the agent loop does.</summary>
internal static class SkillTestKit
{
    public static IAgentTool Tool(TestApp app, string name) =>
        app.Services.GetServices<IAgentTool>().Single(tool => tool.Definition.Name == name);

    public static IToolPolicy Policy(TestApp app) => app.Services.GetRequiredService<IToolPolicy>();

    public static ToolInvocation Call(string name, string argumentsJson, string conversationId = "conv-1", string runId = "run-1")
    {
        using var document = JsonDocument.Parse(argumentsJson);
        return new ToolInvocation("call-" + Guid.NewGuid().ToString("N")[..8], name, document.RootElement.Clone(), conversationId, runId);
    }

    public static Task<ToolOutcome> InvokeAsync(TestApp app, string name, string argumentsJson) =>
        Tool(app, name).InvokeAsync(Call(name, argumentsJson), CancellationToken.None);

    public static async Task PutSettingsAsync(HttpClient client, object settings)
    {
        using var response = await client.PutAsJsonAsync("/api/settings", settings);
        response.EnsureSuccessStatusCode();
    }

    public static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    public static async Task<JsonElement> SkillAsync(HttpClient client, string id) =>
        (await GetJsonAsync(client, "/api/skills")).EnumerateArray().Single(skill => skill.GetProperty("id").GetString() == id);

    /// <summary>Writes <c>&lt;data dir&gt;/skills/&lt;id&gt;/SKILL.md</c>, as the registry would install it.</summary>
    public static void InstallInstructionSkill(TestApp app, string id, string skillMarkdown)
    {
        var folder = Path.Combine(app.DataDir, "skills", id);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "SKILL.md"), skillMarkdown);
    }
}

/// <summary>
/// An outside listener on the runs' own streams: every event on the bus that a run's SSE stream shows,
/// by its stream name and data, as a client of that stream would read it.
/// </summary>
internal sealed class CapturedRunEvents : IEventSubscriber
{
    private readonly Channel<(string Type, JsonObject Data)> _events = Channel.CreateUnbounded<(string, JsonObject)>();

    public static CapturedRunEvents On(TestApp app)
    {
        var captured = new CapturedRunEvents();
        app.Services.GetRequiredService<EventBus>().Subscribe(captured);
        return captured;
    }

    public ValueTask OnEventAsync(AgentEvent e)
    {
        if (e.Scope.RunId is not null && RunStreamFormat.NameOf(e) is { } name)
        {
            _events.Writer.TryWrite((name, (JsonObject)JsonNode.Parse(RunStreamFormat.DataOf(e))!));
        }
        return ValueTask.CompletedTask;
    }

    public async Task<(string Type, JsonObject Data)> NextAsync() =>
        await _events.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

    public bool TryRead(out (string Type, JsonObject Data) item) => _events.Reader.TryRead(out item);
}
