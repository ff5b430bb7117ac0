using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using OpenMotoko.Conversations;
using OpenMotoko.Events;

namespace OpenMotoko.Agent;

internal sealed record DeltaData(string Text);

internal sealed record ToolCallData(string Id, string Name, JsonElement Arguments);

internal sealed record ToolResultData(string Id, string Name, string Output, bool IsError);

internal sealed record ApprovalRequiredData(string ApprovalId, string Tool, JsonNode? Arguments, string Display, long ExpiresAt);

internal sealed record RunErrorData(string Error, string Code);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(DeltaData))]
[JsonSerializable(typeof(ToolCallData))]
[JsonSerializable(typeof(ToolResultData))]
[JsonSerializable(typeof(ApprovalRequiredData))]
[JsonSerializable(typeof(AssistantReply))]
[JsonSerializable(typeof(RunErrorData))]
internal sealed partial class RunStreamJsonContext : JsonSerializerContext;

/// <summary>
/// A run's SSE stream, produced from the bus's typed events: which events it shows, under which
/// documented names (message.delta, tool.call, approval.required, tool.result, message.done, error),
/// and with what data. The one place that defines that part of the API.
/// </summary>
internal static class RunStreamFormat
{
    /// <summary>The SSE event name, or null when the run's stream does not show this event.</summary>
    public static string? NameOf(AgentEvent e) => e switch
    {
        MessageDelta => "message.delta",
        ToolCalled => "tool.call",
        ApprovalRequested => "approval.required",
        ToolCompleted => "tool.result",
        MessageSent => "message.done",
        RunFailed => "error",
        _ => null,
    };

    /// <summary>The last event of a run's stream; it is sent once the run has stored its outcome.</summary>
    public static bool IsFinal(AgentEvent e) => e is MessageSent or RunFailed;

    public static string DataOf(AgentEvent e) => e switch
    {
        MessageDelta d => JsonSerializer.Serialize(new DeltaData(d.Text), RunStreamJsonContext.Default.DeltaData),
        ToolCalled c => JsonSerializer.Serialize(new ToolCallData(c.CallId, c.Tool, Arguments(c.Arguments)), RunStreamJsonContext.Default.ToolCallData),
        ApprovalRequested a => JsonSerializer.Serialize(new ApprovalRequiredData(a.ApprovalId, a.Tool, a.Arguments, a.Display, a.ExpiresAt),
            RunStreamJsonContext.Default.ApprovalRequiredData),
        ToolCompleted r => JsonSerializer.Serialize(new ToolResultData(r.CallId, r.Tool, r.Output, r.IsError), RunStreamJsonContext.Default.ToolResultData),
        MessageSent m => JsonSerializer.Serialize(AssistantReply.Of(m.Message, m.Usage), RunStreamJsonContext.Default.AssistantReply), // the JSON reply's shape
        RunFailed f => JsonSerializer.Serialize(new RunErrorData(f.Error, f.Code), RunStreamJsonContext.Default.RunErrorData),
        _ => "{}",
    };

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement;

    private static JsonElement Arguments(JsonElement arguments) => arguments.ValueKind == JsonValueKind.Undefined ? EmptyObject : arguments;
}
