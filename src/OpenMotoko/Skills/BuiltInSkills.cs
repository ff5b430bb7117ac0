namespace OpenMotoko.Skills;

/// <summary>What a skill is, without its tools: the tools come from the registered <see cref="Agent.IAgentTool"/>s.</summary>
internal sealed record SkillManifest(string Id, string Name, string Description, string[] Capabilities, string Risk);

/// <summary>The skills compiled into the daemon. Their tools register themselves with the matching skill id.</summary>
internal static class BuiltInSkills
{
    public const string Core = "core";
    public const string Shell = "shell";
    public const string Filesystem = "filesystem";
    public const string Web = "web";
    public const string Memory = "memory";
    public const string Instructions = "instructions";
    public const string Schedule = "schedule";
    public const string Artifacts = "artifacts";
    public const string Delegate = "delegate";

    public static IReadOnlyList<SkillManifest> All { get; } =
    [
        new(Core, "Core", "Basic tools every agent needs, such as the current date and time.", [], "low"),
        new(Shell, "Shell", "Runs commands in the workspace, with a scrubbed environment, a timeout and capped output.", ["process.exec"], "high"),
        new(Filesystem, "Files", "Reads, writes, edits, lists and searches files inside the workspace.", ["fs.read", "fs.write"], "medium"),
        new(Web, "Web", "Fetches web pages as readable text and searches the web, guarded against private addresses.", ["net.fetch"], "medium"),
        new(Memory, "Memory", "Remembers facts about the owner across conversations and recalls the relevant ones.", ["memory.read", "memory.write"], "low"),
        new(Instructions, "Instruction skills", "Lists the enabled instruction skills and loads a skill's full instructions on request.", ["skills.read"], "low"),
        new(Schedule, "Schedule", "Creates, lists and deletes scheduled prompts and reminders that run the agent later.", ["scheduler.write"], "medium"),
        new(Artifacts, "Artifacts", "Writes documents, code and diagrams as artifacts of the conversation and revises them, keeping every version.", ["artifacts.read", "artifacts.write"], "low"),
        new(Delegate, "Sub-agents", "Hands parts of a task to sub-agents that work in parallel, each with its own budget, and collects their answers.", ["agents.spawn"], "medium"),
    ];

    public static SkillManifest? Find(string id) => All.FirstOrDefault(skill => string.Equals(skill.Id, id, StringComparison.Ordinal));

    /// <summary>A skill whose tools are registered but that has no manifest here (added by a later feature).</summary>
    public static SkillManifest Unlisted(string id) => new(id, id, $"Built-in tools of the '{id}' skill.", [], "medium");
}
