using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Agent;
using OpenMotoko.Providers;

namespace OpenMotoko.Tests.Agent;

/// <summary>agent.maxParallelTools: how many calls of one turn run at the same time.</summary>
public sealed class ParallelToolsTests
{
    [Fact]
    public async Task No_more_than_agent_maxParallelTools_calls_of_a_turn_run_at_once()
    {
        var tool = new CrowdTool(expected: 6);
        await using var h = await AgentHarness.StartAsync(s => s.AddSingleton<IAgentTool>(tool),
            """{"defaultModel": "openai/gpt-4o-mini", "agent.maxParallelTools": 2}""");
        h.ThenToolCalls([.. Enumerable.Range(1, 6).Select(i => ($"c{i}", "crowd", "{}"))]).ThenText(10, 10, "Done.");
        var id = await h.CreateConversationAsync();

        using var response = await h.PostMessageAsync(id, "Run them all");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, tool.MostAtOnce);
        var results = (await h.MessagesAsync(id))[2].GetProperty("toolResults").EnumerateArray().ToList();
        Assert.Equal(6, results.Count);
        Assert.All(results, r => Assert.False(r.GetProperty("isError").GetBoolean(), r.GetProperty("output").GetString()));
    }

    [Fact]
    public async Task The_default_lets_a_few_calls_run_side_by_side()
    {
        var tool = new CrowdTool(expected: 9);
        await using var h = await AgentHarness.StartAsync(s => s.AddSingleton<IAgentTool>(tool));
        h.ThenToolCalls([.. Enumerable.Range(1, 9).Select(i => ($"c{i}", "crowd", "{}"))]).ThenText(10, 10, "Done.");
        var id = await h.CreateConversationAsync();

        using var response = await h.PostMessageAsync(id, "Run them all");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(8, tool.MostAtOnce);
    }

    /// <summary>
    /// Each call waits until <paramref name="expected"/> calls run at once, or gives up after a moment
    /// (a cap holds the rest back), and records the most that ever ran together.
    /// </summary>
    private sealed class CrowdTool(int expected) : IAgentTool
    {
        private readonly object _gate = new();
        private TaskCompletionSource _crowded = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _running;

        public int MostAtOnce { get; private set; }
        public string SkillId => "test";
        public ToolDefinition Definition { get; } = new("crowd", "Waits for company.", JsonDocument.Parse("""{"type":"object"}""").RootElement);
        public bool ChangesState => false;

        public async Task<ToolOutcome> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken)
        {
            Task crowded;
            lock (_gate)
            {
                MostAtOnce = Math.Max(MostAtOnce, ++_running);
                if (_running >= expected)
                {
                    _crowded.TrySetResult();
                }
                crowded = _crowded.Task;
            }
            try
            {
                await crowded.WaitAsync(TimeSpan.FromMilliseconds(150), cancellationToken);
            }
            catch (TimeoutException)
            {
                // held back by the cap: the others cannot join
            }
            lock (_gate)
            {
                if (--_running == 0)
                {
                    _crowded = new(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
            return ToolOutcome.Ok("ok");
        }
    }
}
