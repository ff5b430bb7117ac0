using System.Text.Json.Nodes;
using OpenMotoko.Activity;

namespace OpenMotoko.Agent;

/// <summary>Reports what the agent does to every <see cref="IActivitySink"/>; a failing sink never fails a run.</summary>
internal sealed class AgentActivity(IEnumerable<IActivitySink> sinks, ILogger<AgentActivity> logger)
{
    private readonly IActivitySink[] _sinks = [.. sinks];

    public async ValueTask PublishAsync(string type, string? conversationId, string? channel, string? skillId, JsonObject data)
    {
        for (var i = 0; i < _sinks.Length; i++)
        {
            try
            {
                // Each sink gets its own copy: a JsonNode has one parent.
                var copy = i == _sinks.Length - 1 ? data : (JsonObject)data.DeepClone();
                await _sinks[i].PublishAsync(new ActivityEntry(type, conversationId, channel, skillId, copy), CancellationToken.None);
            }
            catch (Exception ex)
            {
                AgentLog.ActivityFailed(logger, type, ex);
            }
        }
    }

    public static string Truncate(string text, int maxChars) =>
        text.Length <= maxChars ? text : string.Concat(text.AsSpan(0, maxChars), $"… [truncated, {text.Length - maxChars} more characters]");
}
