using System.Text.Json;
using OpenMotoko.Providers;

namespace OpenMotoko.Agent;

/// <summary>
/// A tool the model can call. Each belongs to a skill (<see cref="SkillId"/>); implementations live
/// in their skill's folder and are registered with DI as <see cref="IAgentTool"/>.
/// </summary>
internal interface IAgentTool
{
    /// <summary>The skill this tool belongs to (shell, filesystem, web, memory, core, ...).</summary>
    string SkillId { get; }

    /// <summary>Name, description and JSON Schema of the input, as offered to the model.</summary>
    ToolDefinition Definition { get; }

    /// <summary>True when a call changes something outside the conversation (runs a command, writes a file):
    /// a skill in <c>ask</c> mode asks the owner before such calls.</summary>
    bool ChangesState { get; }

    /// <summary>Runs one call. Bad arguments and failures are returned as <see cref="ToolOutcome.Error"/>, not thrown.</summary>
    Task<ToolOutcome> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken);
}

/// <summary>One call the model made, with where it came from.</summary>
internal sealed record ToolInvocation(string CallId, string Name, JsonElement Arguments, string ConversationId, string RunId);

/// <summary>What a tool answered; fed back to the model as a tool result.</summary>
internal sealed record ToolOutcome(string Output, bool IsError)
{
    public static ToolOutcome Ok(string output) => new(output, false);

    public static ToolOutcome Error(string message) => new(message, true);
}

/// <summary>Decides which tools are offered and whether a call may run.</summary>
internal interface IToolPolicy
{
    /// <summary>False when the tool's skill is disabled or in <c>off</c> mode: the model is not offered it.</summary>
    bool IsOffered(IAgentTool tool);

    /// <summary>Whether this call may run. May wait for the owner's approval (announced on the event bus).</summary>
    ValueTask<ToolDecision> AuthorizeAsync(IAgentTool tool, ToolInvocation call, CancellationToken cancellationToken);
}

/// <summary>The policy's answer; <see cref="Reason"/> goes back to the model when refused.</summary>
internal sealed record ToolDecision(bool Allowed, string? Reason)
{
    public static readonly ToolDecision Allow = new(true, null);

    public static ToolDecision Refuse(string reason) => new(false, reason);
}

/// <summary>Adds context to the system prompt of a run (remembered facts, installed instruction skills).</summary>
internal interface ISystemPromptContributor
{
    /// <summary>Text to append to the system prompt, or null. Must stay bounded in size.</summary>
    ValueTask<string?> ContributeAsync(string conversationId, string userMessage, CancellationToken cancellationToken);
}
