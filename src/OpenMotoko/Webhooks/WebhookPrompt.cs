using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using OpenMotoko.Agent;

namespace OpenMotoko.Webhooks;

/// <summary>
/// Turns a trigger into the message the agent gets: the rule about fenced data, then the webhook's
/// template (or the default) with <c>{{body}}</c>, <c>{{body.a.b}}</c> and <c>{{headers.name}}</c>
/// replaced by the caller's values, each fenced as untrusted data. Credentials (the secret header,
/// Authorization, Cookie) never reach the model.
/// </summary>
internal static partial class WebhookPrompt
{
    public const string Withheld = "(withheld: a credential)";
    public const string Missing = "(not in this request)";
    private const int Reserve = 500; // room for each fence's markers and cut note
    private static readonly string[] CredentialHeaders = ["x-webhook-secret", "authorization", "cookie", "proxy-authorization"];

    public const int MaxPlaceholders = 50;

    public static int CountPlaceholders(string template) => Placeholder().Count(template);

    public static string DefaultTemplate(string name) =>
        $"The webhook \"{name}\" was triggered. Tell the owner briefly what happened and anything that needs their attention. The payload:\n\n{{{{body}}}}";

    public static string Render(Webhook webhook, string body, IHeaderDictionary headers)
    {
        var template = webhook.Prompt ?? DefaultTemplate(webhook.Name);
        var matches = Placeholder().Matches(template);
        using var json = new ParsedBody(body);
        var values = matches.Select(m => Value(m.Groups[1].Value, json, headers)).ToList();
        var fence = UntrustedFence.For(values.Where(v => v.Fenced).Select(v => v.Text));
        var preamble = $"[Webhook \"{webhook.Name}\"] {fence.Rule}\n\n";
        var fencedCount = Math.Max(1, values.Count(v => v.Fenced));
        var budget = (TurnService.MaxContent - preamble.Length - template.Length - fencedCount * Reserve) / fencedCount;

        var text = new StringBuilder(preamble);
        var last = 0;
        for (var i = 0; i < matches.Count; i++)
        {
            text.Append(template, last, matches[i].Index - last);
            text.Append(values[i].Fenced ? fence.Wrap(values[i].Text, budget) : values[i].Text);
            last = matches[i].Index + matches[i].Length;
        }
        text.Append(template, last, template.Length - last);
        return text.ToString();
    }

    private static (string Text, bool Fenced) Value(string path, ParsedBody body, IHeaderDictionary headers)
    {
        if (path == "body")
        {
            return (body.Text, true);
        }
        if (path.StartsWith("headers.", StringComparison.Ordinal))
        {
            var name = path["headers.".Length..];
            if (CredentialHeaders.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                return (Withheld, false);
            }
            return headers.TryGetValue(name, out var header) ? (header.ToString(), true) : (Missing, false);
        }
        return body.Root is { } root && Field(root, path["body.".Length..].Split('.')) is { } field ? (field, true) : (Missing, false);
    }

    /// <summary>A field of a JSON body by its path (object keys, array indexes): a string as is, anything else as JSON.</summary>
    private static string? Field(JsonElement node, string[] path)
    {
        foreach (var step in path)
        {
            if (node.ValueKind == JsonValueKind.Object && node.TryGetProperty(step, out var child))
            {
                node = child;
            }
            else if (node.ValueKind == JsonValueKind.Array && int.TryParse(step, out var index) && index >= 0 && index < node.GetArrayLength())
            {
                node = node[index];
            }
            else
            {
                return null;
            }
        }
        return node.ValueKind == JsonValueKind.String ? node.GetString() : node.GetRawText();
    }

    /// <summary>The body as text, and parsed as JSON once, on first use, when a field is asked for.</summary>
    private sealed class ParsedBody(string text) : IDisposable
    {
        private JsonDocument? _document;
        private bool _parsed;

        public string Text => text;

        public JsonElement? Root
        {
            get
            {
                if (!_parsed)
                {
                    _parsed = true;
                    try
                    {
                        _document = JsonDocument.Parse(text);
                    }
                    catch (JsonException)
                    {
                        // not JSON: only {{body}} has a value
                    }
                }
                return _document?.RootElement;
            }
        }

        public void Dispose() => _document?.Dispose();
    }

    [GeneratedRegex(@"\{\{\s*(body(?:\.[^{}\s.]+)*|headers\.[A-Za-z0-9_-]+)\s*\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
