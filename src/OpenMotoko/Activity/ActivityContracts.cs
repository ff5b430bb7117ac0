using System.Text.Json.Nodes;

namespace OpenMotoko.Activity;

/// <summary>One thing that happened, for the activity feed: type is noun:verb (message:received, tool:called, ...).</summary>
internal sealed record ActivityEntry(string Type, string? ConversationId, string? Channel, string? SkillId, JsonObject Data);

/// <summary>
/// Where features report activity. The activity log stores it (secrets redacted) and feeds live
/// listeners. A sink owns the entry's data and may change it: publishers give each sink its own
/// object (see <see cref="Agent.AgentActivity"/>).
/// </summary>
internal interface IActivitySink
{
    ValueTask PublishAsync(ActivityEntry entry, CancellationToken cancellationToken);
}
