using System.Text;
using System.Text.Json;
using OpenMotoko.Agent;
using OpenMotoko.Providers;

namespace OpenMotoko.Skills.Web;

/// <summary><c>fetch_url {url, maxBytes?}</c>: a web page as readable text, through the SSRF guard.</summary>
internal sealed class FetchUrlTool(GuardedFetcher fetcher) : IAgentTool
{
    public const int DefaultMaxBytes = 1024 * 1024;
    public const int MaxMaxBytes = 5 * 1024 * 1024;

    private static readonly JsonElement Schema = ToolArguments.Schema("""
        {
          "type": "object",
          "properties": {
            "url": { "type": "string", "description": "The http or https URL to fetch." },
            "maxBytes": { "type": "integer", "minimum": 1, "maximum": 5242880, "description": "Read at most this many bytes (default 1 MiB)." }
          },
          "required": ["url"],
          "additionalProperties": false
        }
        """);

    public string SkillId => WebSkill.Id;

    public ToolDefinition Definition { get; } = new("fetch_url",
        "Fetch a web page or text document over http(s) and return it as readable text (HTML reduced to text, title first). " +
        "Addresses on the local network are refused unless the owner allowed them.", Schema);

    public bool ChangesState => false;

    public async Task<ToolOutcome> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var arguments = new ToolArguments(invocation.Arguments);
        var text = arguments.String("url");
        var maxBytes = arguments.Integer("maxBytes", 1, MaxMaxBytes) ?? DefaultMaxBytes;
        if (arguments.Error is { } error)
        {
            return ToolOutcome.Error(error);
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url))
        {
            return ToolOutcome.Error($"'{text}' is not an absolute URL.");
        }
        try
        {
            var page = await fetcher.FetchAsync(url, maxBytes, cancellationToken);
            return ToolOutcome.Ok(Render(page));
        }
        catch (FetchRefusedException ex)
        {
            return ToolOutcome.Error(ex.Message);
        }
    }

    private static string Render(FetchedPage page)
    {
        var output = new StringBuilder();
        output.Append("URL: ").Append(page.Url).Append('\n');
        output.Append("Status: ").Append(page.Status).Append('\n');
        output.Append("Content-Type: ").Append(page.MediaType ?? "unknown").Append('\n');
        if (!IsText(page))
        {
            output.Append($"\nBinary content ({page.Body.Length}{(page.Truncated ? "+" : "")} bytes) was not returned.");
            return output.ToString();
        }
        var body = Decode(page);
        if (IsHtml(page.MediaType, body))
        {
            var (title, text) = HtmlText.Convert(body);
            if (title is not null)
            {
                output.Append("Title: ").Append(title).Append('\n');
            }
            body = text;
        }
        output.Append('\n').Append(body);
        if (page.Truncated)
        {
            output.Append($"\n\n[truncated: only the first {page.Body.Length} bytes were read]");
        }
        return output.ToString();
    }

    private static bool IsText(FetchedPage page)
    {
        var type = page.MediaType?.ToLowerInvariant();
        if (type is null)
        {
            return !page.Body.AsSpan(0, Math.Min(page.Body.Length, 4096)).Contains((byte)0);
        }
        return type.StartsWith("text/", StringComparison.Ordinal) || type.EndsWith("+xml", StringComparison.Ordinal) ||
               type.EndsWith("+json", StringComparison.Ordinal) ||
               type is "application/json" or "application/xml" or "application/javascript" or "application/x-javascript"
                   or "application/ecmascript" or "application/x-yaml" or "application/yaml" or "application/rss+xml";
    }

    private static bool IsHtml(string? mediaType, string body) =>
        mediaType is "text/html" or "application/xhtml+xml" ||
        (mediaType is null && (body.TrimStart().StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase) ||
                               body.TrimStart().StartsWith("<html", StringComparison.OrdinalIgnoreCase)));

    private static string Decode(FetchedPage page)
    {
        Encoding encoding;
        try
        {
            encoding = page.Charset is { Length: > 0 } charset ? Encoding.GetEncoding(charset.Trim('"')) : Encoding.UTF8;
        }
        catch (ArgumentException)
        {
            encoding = Encoding.UTF8; // an unknown charset: UTF-8 is the best guess on today's web
        }
        return encoding.GetString(page.Body);
    }
}
