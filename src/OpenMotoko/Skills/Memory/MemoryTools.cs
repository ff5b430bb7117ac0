using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenMotoko.Agent;
using OpenMotoko.Providers;

namespace OpenMotoko.Skills.Memory;

/// <summary>remember {fact}: keeps a fact about the owner for later conversations.</summary>
internal sealed class RememberTool(MemoryStore store) : IAgentTool
{
    public string SkillId => BuiltInSkills.Memory;
    public bool ChangesState => true;

    public ToolDefinition Definition { get; } = new("remember",
        "Remember one durable fact about the owner (a preference, a name, a date) for future conversations. One short, self-contained sentence per call.",
        ToolArguments.Schema("""{"type":"object","properties":{"fact":{"type":"string","description":"The fact, as one self-contained sentence."}},"required":["fact"]}"""));

    public async Task<ToolOutcome> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var arguments = new ToolArguments(invocation.Arguments);
        var fact = arguments.Text("fact", MemoryStore.MaxFactLength);
        if (fact is null)
        {
            return ToolOutcome.Error(arguments.Error!);
        }
        var saved = await store.RememberAsync(fact, cancellationToken);
        return ToolOutcome.Ok(MemoryJson.Fact(saved).ToJsonString());
    }
}

/// <summary>recall {query}: full-text search over the remembered facts, best matches first.</summary>
internal sealed class RecallTool(MemoryStore store) : IAgentTool
{
    private const int Limit = 10;

    public string SkillId => BuiltInSkills.Memory;
    public bool ChangesState => false;

    public ToolDefinition Definition { get; } = new("recall",
        "Search the remembered facts about the owner by words. Returns up to 10 facts with their ids, best matches first.",
        ToolArguments.Schema("""{"type":"object","properties":{"query":{"type":"string","description":"Words to look for."}},"required":["query"]}"""));

    public async Task<ToolOutcome> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var arguments = new ToolArguments(invocation.Arguments);
        var query = arguments.Text("query", 1_000);
        if (query is null)
        {
            return ToolOutcome.Error(arguments.Error!);
        }
        var facts = await store.SearchAsync(query, Limit, cancellationToken);
        var list = new JsonArray();
        foreach (var fact in facts)
        {
            list.Add((JsonNode)MemoryJson.Fact(fact));
        }
        return ToolOutcome.Ok(new JsonObject { ["facts"] = list }.ToJsonString());
    }
}

/// <summary>forget {id}: deletes one remembered fact.</summary>
internal sealed class ForgetTool(MemoryStore store) : IAgentTool
{
    public string SkillId => BuiltInSkills.Memory;
    public bool ChangesState => true;

    public ToolDefinition Definition { get; } = new("forget",
        "Delete one remembered fact by its id (from recall or remember).",
        ToolArguments.Schema("""{"type":"object","properties":{"id":{"type":"string","description":"The fact's id."}},"required":["id"]}"""));

    public async Task<ToolOutcome> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        if (ReadId(invocation.Arguments) is not { } id)
        {
            return ToolOutcome.Error("'id' is required: the id of a remembered fact, as recall returns it.");
        }
        return await store.ForgetAsync(id, cancellationToken)
            ? ToolOutcome.Ok(new JsonObject { ["forgotten"] = id.ToString(CultureInfo.InvariantCulture) }.ToJsonString())
            : ToolOutcome.Error($"No remembered fact has id {id.ToString(CultureInfo.InvariantCulture)}.");
    }

    private static long? ReadId(JsonElement arguments)
    {
        if (arguments.ValueKind != JsonValueKind.Object || !arguments.TryGetProperty("id", out var id))
        {
            return null;
        }
        return id.ValueKind switch
        {
            JsonValueKind.Number when id.TryGetInt64(out var n) && n > 0 => n,
            JsonValueKind.String when long.TryParse(id.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 => n,
            _ => null,
        };
    }
}

internal static class MemoryJson
{
    public static JsonObject Fact(MemoryFact fact) => new()
    {
        ["id"] = fact.Id.ToString(CultureInfo.InvariantCulture),
        ["fact"] = fact.Fact,
        ["createdAt"] = fact.CreatedAt,
    };
}
