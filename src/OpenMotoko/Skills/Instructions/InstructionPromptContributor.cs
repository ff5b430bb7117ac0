using System.Text;
using OpenMotoko.Agent;

namespace OpenMotoko.Skills.Instructions;

/// <summary>
/// Tells the model which instruction skills are enabled (name and description only, bounded); the
/// model loads one's full text with load_skill when a task calls for it.
/// </summary>
internal sealed class InstructionPromptContributor(InstructionSkillLibrary library, SkillStateStore state, SkillModes modes) : ISystemPromptContributor
{
    public const int MaxSkills = 30;
    public const int MaxChars = 4_000;
    private const int MaxDescription = 300;

    public ValueTask<string?> ContributeAsync(string conversationId, string userMessage, CancellationToken cancellationToken)
    {
        if (!state.IsEnabled(BuiltInSkills.Instructions, defaultEnabled: true) || modes.ModeOf(BuiltInSkills.Instructions) == SkillMode.Off)
        {
            return ValueTask.FromResult<string?>(null);
        }
        var skills = library.List().Where(skill => skill.IsValid && state.IsEnabled(skill.Id, defaultEnabled: false)).Take(MaxSkills).ToList();
        if (skills.Count == 0)
        {
            return ValueTask.FromResult<string?>(null);
        }
        var text = new StringBuilder("Instruction skills are installed. When a task matches one, call load_skill with its name and follow its instructions:\n");
        var header = text.Length;
        foreach (var skill in skills)
        {
            var description = skill.Description.ReplaceLineEndings(" ");
            var line = $"- {skill.Name}: {(description.Length <= MaxDescription ? description : description[..MaxDescription] + "…")}\n";
            if (text.Length - header + line.Length > MaxChars)
            {
                break;
            }
            text.Append(line);
        }
        return ValueTask.FromResult<string?>(text.Length == header ? null : text.ToString().TrimEnd());
    }
}
