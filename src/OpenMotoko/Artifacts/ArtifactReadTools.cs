using System.Text.Json.Nodes;
using OpenMotoko.Agent;
using OpenMotoko.Providers;
using OpenMotoko.Skills;

namespace OpenMotoko.Artifacts;

/// <summary>read_artifact {id, version?, offset?}: one of this conversation's artifacts, in pieces that fit a tool result.</summary>
internal sealed class ReadArtifactTool(ArtifactStore store) : IAgentTool
{
    /// <summary>Characters of content per answer: below the tool result cap, with room for the fields around it.</summary>
    public const int MaxChars = ToolRunner.MaxOutputChars - 4 * 1024;

    public string SkillId => BuiltInSkills.Artifacts;
    public bool ChangesState => false;

    public ToolDefinition Definition { get; } = new("read_artifact",
        "Read an artifact of this conversation: its latest version, or an earlier one. The answer is one JSON line about the artifact, " +
        "then its content. Long content comes in pieces: when the first line has nextOffset, call again with offset set to it.",
        ToolArguments.Schema("""
            {"type":"object","properties":{
            "id":{"type":"string","description":"The artifact's id."},
            "version":{"type":"integer","description":"A version number; the latest when left out."},
            "offset":{"type":"integer","description":"The first character to read; 0 when left out."}},
            "required":["id"]}
            """));

    public async Task<ToolOutcome> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var arguments = new ToolArguments(invocation.Arguments);
        var id = arguments.Text("id", 100);
        var version = arguments.Integer("version", 1, int.MaxValue);
        var offset = arguments.Integer("offset", 0, int.MaxValue) ?? 0;
        if (arguments.Error is { } error)
        {
            return ToolOutcome.Error(error);
        }
        // Another conversation's artifact is answered like an unknown one.
        if (await store.GetAsync(id!, null, cancellationToken) is not { } latest || latest.ConversationId != invocation.ConversationId)
        {
            return ToolOutcome.Error(ArtifactToolJson.NotFound(id!));
        }
        if ((version is null ? latest : await store.GetAsync(id!, version, cancellationToken)) is not { } artifact)
        {
            return ToolOutcome.Error($"Artifact '{id}' has versions 1 to {latest.Version}; there is no version {version}.");
        }
        var content = artifact.Content;
        var start = Math.Min(offset, content.Length);
        var length = Math.Min(MaxChars, content.Length - start);
        if (length > 0 && start + length < content.Length && char.IsHighSurrogate(content[start + length - 1]))
        {
            length--; // never split a surrogate pair
        }
        var header = new JsonObject
        {
            ["id"] = artifact.Id,
            ["version"] = artifact.Version,
            ["type"] = artifact.Type,
            ["title"] = artifact.Title,
            ["language"] = artifact.Language,
            ["length"] = content.Length,
        };
        if (start + length < content.Length)
        {
            header["nextOffset"] = start + length;
        }
        // The content follows the header line as it is: JSON escaping could grow it past the tool result cap.
        return ToolOutcome.Ok(string.Concat(header.ToJsonString(), "\n", content.AsSpan(start, length)));
    }
}

/// <summary>list_artifacts: this conversation's artifacts, most recently updated first, without content.</summary>
internal sealed class ListArtifactsTool(ArtifactStore store) : IAgentTool
{
    private const int Limit = 100;

    public string SkillId => BuiltInSkills.Artifacts;
    public bool ChangesState => false;

    public ToolDefinition Definition { get; } = new("list_artifacts",
        "List the artifacts of this conversation (id, title, type, version, size), most recently updated first.",
        ToolArguments.Schema("""{"type":"object","properties":{}}"""));

    public async Task<ToolOutcome> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var page = await store.ListAsync(invocation.ConversationId, Limit, 0, cancellationToken);
        var items = new JsonArray();
        foreach (var artifact in page.Items)
        {
            items.Add((JsonNode)new JsonObject
            {
                ["id"] = artifact.Id,
                ["title"] = artifact.Title,
                ["type"] = artifact.Type,
                ["language"] = artifact.Language,
                ["version"] = artifact.Version,
                ["size"] = artifact.Size,
                ["updatedAt"] = artifact.UpdatedAt,
            });
        }
        return ToolOutcome.Ok(new JsonObject { ["artifacts"] = items, ["total"] = page.Total }.ToJsonString());
    }
}
