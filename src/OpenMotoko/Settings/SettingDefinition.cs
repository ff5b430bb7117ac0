using System.Text.Json;

namespace OpenMotoko.Settings;

/// <summary>
/// One settings key: its JSON type, default, the env var that overrides it, and whether it is a
/// secret (write-only, masked on read). The same definitions serve the API and `openmotoko config`.
/// </summary>
internal sealed class SettingDefinition
{
    private SettingDefinition(string key, string type, Func<JsonElement, string?> check, string? defaultJson, string? envVar, bool secret)
    {
        Key = key;
        Type = type;
        Check = check;
        Default = defaultJson is null ? null : Parse(defaultJson);
        EnvVar = envVar;
        IsSecret = secret;
    }

    public string Key { get; }

    /// <summary>The JSON type in the user's words, for error messages and docs.</summary>
    public string Type { get; }

    public JsonElement? Default { get; }
    public string? EnvVar { get; }
    public bool IsSecret { get; }

    /// <summary>Returns an error message for a bad value, or null when the value is acceptable.</summary>
    public Func<JsonElement, string?> Check { get; }

    public static SettingDefinition Text(string key, int maxLength, string? defaultValue = null, string? envVar = null) =>
        new(key, "string", value => value.ValueKind != JsonValueKind.String ? "must be a string"
            : value.GetString()!.Length > maxLength ? $"must be at most {maxLength} characters" : null,
            defaultValue is null ? null : JsonSerializer.Serialize(defaultValue, SettingsJsonContext.Default.String), envVar, secret: false);

    public static SettingDefinition Secret(string key, string envVar) =>
        new(key, "string (secret)", value => value.ValueKind != JsonValueKind.String ? "must be a string"
            : value.GetString()!.Length is 0 or > 4096 ? "must be 1 to 4096 characters (send null to remove it)" : null,
            null, envVar, secret: true);

    public static SettingDefinition Boolean(string key, bool defaultValue) =>
        new(key, "boolean", value => value.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : "must be true or false",
            defaultValue ? "true" : "false", null, secret: false);

    public static SettingDefinition Integer(string key, int min, int max, int defaultValue, string? envVar = null) =>
        new(key, "integer", value => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n >= min && n <= max
            ? null : $"must be a whole number from {min} to {max}",
            defaultValue.ToString(System.Globalization.CultureInfo.InvariantCulture), envVar, secret: false);

    public static SettingDefinition Choice(string key, string[] options, string? defaultValue, string? envVar = null) =>
        new(key, "string", value => value.ValueKind == JsonValueKind.String && options.Contains(value.GetString(), StringComparer.Ordinal)
            ? null : $"must be one of: {string.Join(", ", options)}",
            defaultValue is null ? null : JsonSerializer.Serialize(defaultValue, SettingsJsonContext.Default.String), envVar, secret: false);

    public static SettingDefinition HttpUrl(string key, string? defaultValue, string? envVar = null) =>
        new(key, "string (http or https URL)", value => value.ValueKind == JsonValueKind.String &&
            Uri.TryCreate(value.GetString(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? null : "must be an absolute http:// or https:// URL",
            defaultValue is null ? null : JsonSerializer.Serialize(defaultValue, SettingsJsonContext.Default.String), envVar, secret: false);

    public static SettingDefinition TextList(string key, int maxItems, int maxLength) =>
        new(key, "array of strings", value => value.ValueKind == JsonValueKind.Array && value.GetArrayLength() <= maxItems &&
            value.EnumerateArray().All(item => item.ValueKind == JsonValueKind.String && item.GetString()!.Length > 0 && item.GetString()!.Length <= maxLength)
            ? null : $"must be an array of at most {maxItems} non-empty strings of at most {maxLength} characters",
            "[]", null, secret: false);

    public static SettingDefinition Custom(string key, string type, Func<JsonElement, string?> check, string? defaultJson, string? envVar = null) =>
        new(key, type, check, defaultJson, envVar, secret: false);

    /// <summary>Turns an env var's text into this key's JSON value; null when the text does not fit the type.</summary>
    public JsonElement? FromEnvironment(string text)
    {
        JsonElement candidate;
        if (Type is "integer" or "boolean")
        {
            try
            {
                candidate = Parse(text);
            }
            catch (JsonException)
            {
                return null;
            }
        }
        else
        {
            candidate = Parse(JsonSerializer.Serialize(text, SettingsJsonContext.Default.String));
        }
        return Check(candidate) is null ? candidate : null;
    }

    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
