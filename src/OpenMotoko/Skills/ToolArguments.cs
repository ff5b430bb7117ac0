using System.Text.Json;

namespace OpenMotoko.Skills;

/// <summary>Reads a tool call's arguments; the first problem is kept in <see cref="Error"/> for the model.</summary>
internal sealed class ToolArguments(JsonElement arguments)
{
    public string? Error { get; private set; } =
        arguments.ValueKind == JsonValueKind.Object ? null : "arguments must be a JSON object";

    public string? String(string name, bool required = true)
    {
        if (!TryGet(name, out var value))
        {
            if (required)
            {
                Fail($"'{name}' is required");
            }
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            Fail($"'{name}' must be a string");
            return null;
        }
        return value.GetString();
    }

    /// <summary>A required string argument, trimmed, of 1 to <paramref name="maxLength"/> characters.</summary>
    public string? Text(string name, int maxLength)
    {
        var value = String(name)?.Trim();
        if (value is not null && (value.Length == 0 || value.Length > maxLength))
        {
            Fail($"'{name}' must be 1 to {maxLength} characters");
            return null;
        }
        return value;
    }

    public int? Integer(string name, int min, int max)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            Fail($"'{name}' must be a whole number");
            return null;
        }
        if (number < min || number > max)
        {
            Fail($"'{name}' must be between {min} and {max}");
            return null;
        }
        return number;
    }

    public bool? Boolean(string name)
    {
        if (!TryGet(name, out var value))
        {
            return null;
        }
        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Fail($"'{name}' must be true or false");
            return null;
        }
        return value.GetBoolean();
    }

    /// <summary>A JSON Schema written as text in the tool's source, parsed once.</summary>
    public static JsonElement Schema(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private bool TryGet(string name, out JsonElement value)
    {
        value = default;
        return Error is null && arguments.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
    }

    private void Fail(string message) => Error ??= message;
}
