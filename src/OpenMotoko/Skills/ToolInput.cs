using System.Text.Json;

namespace OpenMotoko.Skills;

/// <summary>Reading a tool call's JSON arguments without throwing: a bad argument becomes a message for the model.</summary>
internal static class ToolInput
{
    public static JsonElement Schema(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>A required string argument of 1 to <paramref name="maxLength"/> characters (trimmed).</summary>
    public static bool TryGetString(JsonElement arguments, string name, int maxLength, out string value, out string error)
    {
        value = "";
        if (arguments.ValueKind != JsonValueKind.Object || !arguments.TryGetProperty(name, out var property) || property.ValueKind != JsonValueKind.String)
        {
            error = $"'{name}' is required and must be a string.";
            return false;
        }
        value = property.GetString()!.Trim();
        if (value.Length == 0 || value.Length > maxLength)
        {
            error = $"'{name}' must be 1 to {maxLength} characters.";
            return false;
        }
        error = "";
        return true;
    }
}
