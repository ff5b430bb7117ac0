namespace OpenMotoko.Agent;

/// <summary>The policy when no other is registered: every tool is offered and every call may run.</summary>
internal sealed class OpenToolPolicy : IToolPolicy
{
    public bool IsOffered(IAgentTool tool) => true;

    public ValueTask<ToolDecision> AuthorizeAsync(IAgentTool tool, ToolInvocation call, IAgentRunEvents events, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ToolDecision.Allow);
}
