using System.Text;
using System.Text.Json;
using OpenMotoko.Agent;
using OpenMotoko.Providers;

namespace OpenMotoko.Skills.Web;

/// <summary><c>search_web {query, count?}</c>: title, URL and snippet of the top hits from the configured provider.</summary>
internal sealed class SearchWebTool(WebSearchClient search) : IAgentTool
{
    private static readonly JsonElement Schema = ToolArguments.Schema("""
        {
          "type": "object",
          "properties": {
            "query": { "type": "string", "description": "What to search for." },
            "count": { "type": "integer", "minimum": 1, "maximum": 20, "description": "How many results (default 5)." }
          },
          "required": ["query"],
          "additionalProperties": false
        }
        """);

    public string SkillId => WebSkill.Id;

    public ToolDefinition Definition { get; } = new("search_web",
        "Search the web and return the top results as title, URL and snippet. Use fetch_url to read a result.", Schema);

    public bool ChangesState => false;

    public async Task<ToolOutcome> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var arguments = new ToolArguments(invocation.Arguments);
        var query = arguments.Text("query", 400);
        var count = arguments.Integer("count", 1, 20) ?? 5;
        if (arguments.Error is { } error)
        {
            return ToolOutcome.Error(error);
        }
        try
        {
            var hits = await search.SearchAsync(query!, count, cancellationToken);
            return ToolOutcome.Ok(Render(query!, hits));
        }
        catch (SearchNotConfiguredException ex)
        {
            return ToolOutcome.Error(ex.Message);
        }
        catch (HttpRequestException ex)
        {
            return ToolOutcome.Error($"Web search failed: {ex.Message}");
        }
        catch (JsonException)
        {
            return ToolOutcome.Error("Web search failed: the provider's answer was not the JSON it should send.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ToolOutcome.Error($"Web search took longer than {WebSearchClient.Timeout.TotalSeconds:0} seconds and was stopped.");
        }
    }

    private static string Render(string query, IReadOnlyList<SearchHit> hits)
    {
        if (hits.Count == 0)
        {
            return $"No results for \"{query}\".";
        }
        var output = new StringBuilder();
        for (var i = 0; i < hits.Count; i++)
        {
            var hit = hits[i];
            output.Append(i + 1).Append(". ").Append(hit.Title.Length > 0 ? hit.Title : hit.Url).Append('\n');
            output.Append("   ").Append(hit.Url).Append('\n');
            if (hit.Snippet.Length > 0)
            {
                output.Append("   ").Append(hit.Snippet.ReplaceLineEndings(" ")).Append('\n');
            }
        }
        return output.ToString().TrimEnd();
    }
}
