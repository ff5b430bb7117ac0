using OpenMotoko.Agent;
using OpenMotoko.Approvals;

namespace OpenMotoko.Skills;

/// <summary>
/// The owner's rules for tools: a disabled skill or one in <c>off</c> mode is neither offered nor run;
/// in <c>ask</c> mode a call that changes state waits for the owner's approval.
/// </summary>
internal sealed class SkillToolPolicy(SkillStateStore state, SkillModes modes, ApprovalBroker approvals, ILogger<SkillToolPolicy> logger) : IToolPolicy
{
    public bool IsOffered(IAgentTool tool) => RefusalFor(tool.SkillId) is null;

    public async ValueTask<ToolDecision> AuthorizeAsync(IAgentTool tool, ToolInvocation call, CancellationToken cancellationToken)
    {
        if (RefusalFor(tool.SkillId) is { } reason)
        {
            SkillsLog.Refused(logger, tool.Definition.Name, tool.SkillId, reason);
            return ToolDecision.Refuse(reason);
        }
        if (!tool.ChangesState || modes.ModeOf(tool.SkillId) != SkillMode.Ask)
        {
            return ToolDecision.Allow;
        }
        var outcome = await approvals.RequestAsync(
            new ApprovalRequest(call.ConversationId, call.RunId, tool.SkillId, tool.Definition.Name, call.Arguments), cancellationToken);
        if (!outcome.Approved)
        {
            SkillsLog.Refused(logger, tool.Definition.Name, tool.SkillId, outcome.Reason);
        }
        return outcome.Approved ? ToolDecision.Allow : ToolDecision.Refuse(outcome.Reason);
    }

    private string? RefusalFor(string skillId)
    {
        // Tools belong to built-in skills, which are on until the owner switches them off.
        if (!state.IsEnabled(skillId, defaultEnabled: true))
        {
            return $"The '{skillId}' skill is disabled. The owner can enable it under Skills.";
        }
        return modes.ModeOf(skillId) == SkillMode.Off
            ? $"The '{skillId}' skill is switched off (setting {SkillModes.SettingKey(skillId)} is 'off')."
            : null;
    }
}
