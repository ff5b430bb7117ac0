using OpenMotoko.Agent;
using OpenMotoko.Providers;

namespace OpenMotoko.Skills.Instructions;

/// <summary>load_skill {name}: the full instructions of an enabled instruction skill.</summary>
internal sealed class LoadSkillTool(InstructionSkillLibrary library, SkillStateStore state) : IAgentTool
{
    public string SkillId => BuiltInSkills.Instructions;
    public bool ChangesState => false;

    public ToolDefinition Definition { get; } = new("load_skill",
        "Load the full instructions of an installed instruction skill, by the name listed in the system prompt. Call it before doing a task the skill covers.",
        ToolArguments.Schema("""{"type":"object","properties":{"name":{"type":"string","description":"The skill's name as listed."}},"required":["name"]}"""));

    public Task<ToolOutcome> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var arguments = new ToolArguments(invocation.Arguments);
        var name = arguments.Text("name", 200);
        if (name is null)
        {
            return Task.FromResult(ToolOutcome.Error(arguments.Error!));
        }
        return Task.FromResult(Load(name));
    }

    private ToolOutcome Load(string name)
    {
        if (library.Find(name) is not { } skill)
        {
            return ToolOutcome.Error($"No instruction skill is named '{name}'. Use a name from the list in the system prompt.");
        }
        if (!state.IsEnabled(skill.Id, defaultEnabled: false))
        {
            return ToolOutcome.Error($"The instruction skill '{skill.Name}' is disabled. The owner can enable it under Skills.");
        }
        if (!skill.IsValid)
        {
            return ToolOutcome.Error($"The instruction skill '{skill.Id}' cannot be loaded: {skill.Error}");
        }
        return ToolOutcome.Ok($"# {skill.Name}\n\n{skill.Instructions}");
    }
}
