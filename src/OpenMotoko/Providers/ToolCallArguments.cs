using System.Buffers;
using System.Text.Json;

namespace OpenMotoko.Providers;

/// <summary>
/// Tool-call arguments as the agent can use them: a JSON object nested at most <see cref="MaxDepth"/>
/// levels, so it still fits inside the events, stored messages and replayed requests that wrap it
/// (System.Text.Json stops at 64 levels). Anything else a model sends, text that is not JSON or
/// nesting deeper than that, is kept as a JSON string of the text: the tool runner answers it with an
/// error for the model, and the history still shows what the model sent.
/// </summary>
internal static class ToolCallArguments
{
    public const int MaxDepth = 32;

    private static readonly JsonDocumentOptions Limited = new() { MaxDepth = MaxDepth };

    /// <summary>Parses streamed argument text; empty text is an empty object.</summary>
    public static JsonElement Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            text = "{}";
        }
        try
        {
            using var document = JsonDocument.Parse(text, Limited);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return AsText(text);
        }
    }

    /// <summary>The call as it was, or with its arguments as text when they nest too deep.</summary>
    public static ChatStreamEvent Limit(ChatStreamEvent streamed) =>
        streamed is ToolCallReady { Call: var call } && Depth(call.Arguments, 0) > MaxDepth
            ? new ToolCallReady(call with { Arguments = AsText(call.Arguments.GetRawText()) })
            : streamed;

    /// <summary>Nesting depth of objects and arrays, counted no further than one past <see cref="MaxDepth"/>.</summary>
    private static int Depth(JsonElement element, int above)
    {
        if (element.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
        {
            return above;
        }
        var depth = above + 1;
        if (depth > MaxDepth)
        {
            return depth;
        }
        var deepest = depth;
        var children = element.ValueKind == JsonValueKind.Object
            ? element.EnumerateObject().Select(p => p.Value)
            : element.EnumerateArray();
        foreach (var child in children)
        {
            deepest = Math.Max(deepest, Depth(child, depth));
            if (deepest > MaxDepth)
            {
                break;
            }
        }
        return deepest;
    }

    private static JsonElement AsText(string text)
    {
        var buffer = new ArrayBufferWriter<byte>(text.Length + 16);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStringValue(text);
        }
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
