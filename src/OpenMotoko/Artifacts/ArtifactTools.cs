using System.Text.Json.Nodes;
using OpenMotoko.Agent;
using OpenMotoko.Events;
using OpenMotoko.Providers;
using OpenMotoko.Skills;

namespace OpenMotoko.Artifacts;

/// <summary>create_artifact {type, title, content, language?}: stores version 1 in the run's conversation.</summary>
internal sealed class CreateArtifactTool(ArtifactStore store) : IAgentTool
{
    public string SkillId => BuiltInSkills.Artifacts;
    public bool ChangesState => true;

    public ToolDefinition Definition { get; } = new("create_artifact",
        "Create an artifact: a document, program, web page, diagram or data the owner can open, download and revise. Use it for substantial " +
        "content (more than a short answer). Returns its id and version; revise it later with update_artifact.",
        ToolArguments.Schema("""
            {"type":"object","properties":{
            "type":{"type":"string","enum":["markdown","code","html","svg","mermaid","json","text"]},
            "title":{"type":"string","description":"A short title, 1 to 200 characters."},
            "content":{"type":"string","description":"The full content, at most 1 MiB."},
            "language":{"type":"string","description":"For type code only: the programming language, e.g. python."}},
            "required":["type","title","content"]}
            """));

    public async Task<ToolOutcome> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var arguments = new ToolArguments(invocation.Arguments);
        var type = arguments.String("type");
        var title = arguments.String("title")?.Trim();
        var content = arguments.String("content");
        var language = arguments.String("language", required: false);
        if (arguments.Error is { } error)
        {
            return ToolOutcome.Error(error);
        }
        if ((ArtifactRules.TypeProblem(type!) ?? ArtifactRules.TitleProblem(title!) ?? ArtifactRules.LanguageProblem(language, type!)) is { } problem)
        {
            return ToolOutcome.Error(problem);
        }
        if (ArtifactRules.Size(content!) is var size && size > ArtifactRules.MaxContentBytes)
        {
            return ToolOutcome.Error(ArtifactRules.TooLarge(size));
        }
        var created = await store.CreateAsync(new ArtifactDraft(type!, title!, language, content!), invocation.ConversationId,
            ArtifactToolJson.Origin(invocation), cancellationToken);
        return created is null
            ? ToolOutcome.Error("This conversation no longer exists, so the artifact was not stored.")
            : ToolOutcome.Ok(ArtifactToolJson.Written(created).ToJsonString());
    }
}

/// <summary>update_artifact {id, content, title?, version?}: writes the next version of one of this conversation's artifacts.</summary>
internal sealed class UpdateArtifactTool(ArtifactStore store) : IAgentTool
{
    public string SkillId => BuiltInSkills.Artifacts;
    public bool ChangesState => true;

    public ToolDefinition Definition { get; } = new("update_artifact",
        "Revise an artifact of this conversation: the full new content (and optionally a new title) becomes its next version; earlier " +
        "versions stay readable. Pass version (the one you read) to be refused if someone changed it since.",
        ToolArguments.Schema("""
            {"type":"object","properties":{
            "id":{"type":"string","description":"The artifact's id."},
            "content":{"type":"string","description":"The full new content, at most 1 MiB."},
            "title":{"type":"string","description":"A new title, 1 to 200 characters."},
            "version":{"type":"integer","description":"The version your change is based on."}},
            "required":["id","content"]}
            """));

    public async Task<ToolOutcome> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var arguments = new ToolArguments(invocation.Arguments);
        var id = arguments.Text("id", 100);
        var content = arguments.String("content");
        var title = arguments.String("title", required: false)?.Trim();
        var basedOn = arguments.Integer("version", 1, int.MaxValue);
        if (arguments.Error is { } error)
        {
            return ToolOutcome.Error(error);
        }
        if (title is not null && ArtifactRules.TitleProblem(title) is { } badTitle)
        {
            return ToolOutcome.Error(badTitle);
        }
        if (ArtifactRules.Size(content!) is var size && size > ArtifactRules.MaxContentBytes)
        {
            return ToolOutcome.Error(ArtifactRules.TooLarge(size));
        }
        var result = await store.UpdateAsync(id!, new ArtifactChanges(null, title, false, null, content),
            basedOn is { } expected ? version => version == expected : null, invocation.ConversationId, ArtifactToolJson.Origin(invocation), cancellationToken);
        return result.Status switch
        {
            ArtifactWriteStatus.Written => ToolOutcome.Ok(ArtifactToolJson.Written(result.Artifact!).ToJsonString()),
            ArtifactWriteStatus.VersionMismatch => ToolOutcome.Error(
                $"The artifact is at version {result.Artifact!.Version}, not {basedOn}: someone changed it. Read it again before revising."),
            ArtifactWriteStatus.Invalid => ToolOutcome.Error(result.Problem!),
            _ => ToolOutcome.Error(ArtifactToolJson.NotFound(id!)),
        };
    }
}

/// <summary>What the artifact tools answer, and where their events come from.</summary>
internal static class ArtifactToolJson
{
    public static EventScope Origin(ToolInvocation invocation) => new(invocation.RunId, invocation.ConversationId, null);

    public static string NotFound(string id) => $"No artifact with id '{id}' in this conversation (list_artifacts shows them).";

    public static JsonObject Written(Artifact artifact) => new()
    {
        ["id"] = artifact.Id,
        ["version"] = artifact.Version,
        ["type"] = artifact.Type,
        ["title"] = artifact.Title,
        ["size"] = artifact.Size,
    };
}
