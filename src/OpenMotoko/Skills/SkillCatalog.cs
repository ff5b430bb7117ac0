using OpenMotoko.Agent;
using OpenMotoko.Hosting;
using OpenMotoko.Skills.Instructions;

namespace OpenMotoko.Skills;

/// <summary>
/// Every skill the daemon knows: the built-in ones (with the tools registered for them) and the
/// instruction skills installed as folders. Built-ins start enabled; installed folders start disabled.
/// </summary>
internal sealed class SkillCatalog(IEnumerable<IAgentTool> tools, InstructionSkillLibrary library, SkillStateStore state, SkillModes modes,
    Settings.SettingsStore settings)
{
    public IReadOnlyList<SkillView> List()
    {
        var toolsBySkill = tools.GroupBy(tool => tool.SkillId, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Select(t => new ToolSummary(t.Definition.Name, t.Definition.Description)).ToArray(),
                StringComparer.Ordinal);
        var builtIn = BuiltInSkills.All
            .Concat(toolsBySkill.Keys.Where(id => BuiltInSkills.Find(id) is null).Order(StringComparer.Ordinal).Select(BuiltInSkills.Unlisted))
            .Select(skill => new SkillView(skill.Id, skill.Name, skill.Description, BuildInfo.Version, "builtin",
                state.IsEnabled(skill.Id, defaultEnabled: true), toolsBySkill.GetValueOrDefault(skill.Id) ?? [],
                skill.Capabilities, skill.Id == Shell.ShellSkill.Id ? Shell.ShellSkill.Risk(settings, skill.Risk) : skill.Risk, SkillModes.Name(modes.ModeOf(skill.Id)), null));
        var installed = library.List()
            .Where(skill => !toolsBySkill.ContainsKey(skill.Id))
            .Select(skill => new SkillView(skill.Id, skill.Name, skill.Description, skill.Version, "registry",
                state.IsEnabled(skill.Id, defaultEnabled: false), [], ["instructions"], "low", "auto", skill.Error));
        return [.. builtIn, .. installed];
    }

    public SkillView? Find(string id) => List().FirstOrDefault(skill => string.Equals(skill.Id, id, StringComparison.Ordinal));
}

/// <summary>One skill as GET /api/skills shows it. <see cref="Error"/> says why an installed SKILL.md is unusable.</summary>
internal sealed record SkillView(
    string Id,
    string Name,
    string Description,
    string Version,
    string Source,
    bool Enabled,
    ToolSummary[] Tools,
    string[] Capabilities,
    string Risk,
    string Mode,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    string? Error);

internal sealed record ToolSummary(string Name, string Description);

internal sealed record SkillToggleResponse(string Id, bool Enabled);
