using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OpenMotoko.Hosting;
using OpenMotoko.Settings;

namespace OpenMotoko.Activity;

/// <summary>
/// Makes data safe to keep (activity rows): values under secret-looking keys, the configured secrets
/// (provider keys, the owner password) and bearer/API-key shaped strings become "[redacted]";
/// long strings are cut and oversized data is replaced by a short note.
/// </summary>
internal sealed partial class SecretRedactor
{
    public const string Redacted = "[redacted]";
    public const int MaxStringLength = 2_000;
    public const int MaxDataLength = 16_000;

    private static readonly string[] SecretWords =
        ["password", "passwd", "secret", "apikey", "authorization", "cookie", "credential", "privatekey", "accesskey", "sessionid"];

    private readonly SettingsStore _settings;
    private readonly EnvironmentSnapshot _environment;

    // Worked out once per settings change, not on every activity row.
    private volatile List<string>? _secrets;

    public SecretRedactor(SettingsStore settings, EnvironmentSnapshot environment)
    {
        _settings = settings;
        _environment = environment;
        settings.Changed += _ => _secrets = null;
    }

    public JsonObject Redact(JsonObject data) => RedactOwned((JsonObject)data.DeepClone()).Data;

    /// <summary>
    /// Redacts <paramref name="data"/> in place (the caller owns it, as an activity sink owns its
    /// entry's data) and returns the result with its JSON text, serialised once.
    /// </summary>
    public (JsonObject Data, string Json) RedactOwned(JsonObject data)
    {
        Clean(data, ConfiguredSecrets(), depth: 0);
        var json = data.ToJsonString();
        if (json.Length <= MaxDataLength)
        {
            return (data, json);
        }
        var summary = new JsonObject
        {
            ["truncated"] = true,
            ["originalLength"] = json.Length,
            ["preview"] = json[..MaxStringLength],
        };
        return (summary, summary.ToJsonString());
    }

    /// <summary>A redacted copy of any JSON value (tool arguments, for example).</summary>
    public JsonNode? Redact(JsonElement value)
    {
        var wrapper = new JsonObject { ["value"] = JsonNode.Parse(value.GetRawText()) };
        Clean(wrapper, ConfiguredSecrets(), depth: 0);
        return wrapper["value"]?.DeepClone();
    }

    /// <summary>True for keys like apiKey, x-api-key, accessToken, password, Authorization (but not inputTokens).</summary>
    public static bool IsSecretKey(string key)
    {
        var normalized = key.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
        return normalized.EndsWith("token", StringComparison.Ordinal) || SecretWords.Any(word => normalized.Contains(word, StringComparison.Ordinal));
    }

    private List<string> ConfiguredSecrets() => _secrets ??= LoadSecrets();

    private List<string> LoadSecrets()
    {
        var secrets = new List<string>();
        foreach (var definition in SettingsCatalog.All)
        {
            if (definition.IsSecret && _settings.GetString(definition.Key) is { Length: >= 6 } value)
            {
                secrets.Add(value);
            }
        }
        if (_environment.Get("OPENMOTOKO_PASSWORD") is { Length: >= 6 } password)
        {
            secrets.Add(password);
        }
        // Longest first, so a secret that contains another is removed whole.
        secrets.Sort((a, b) => b.Length.CompareTo(a.Length));
        return secrets;
    }

    private static void Clean(JsonNode node, List<string> secrets, int depth)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    if (obj[key] is { } child && Replacement(child, IsSecretKey(key), secrets, depth) is { } replacement)
                    {
                        obj[key] = replacement;
                    }
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } child && Replacement(child, false, secrets, depth) is { } replacement)
                    {
                        array[i] = replacement;
                    }
                }
                break;
        }
    }

    /// <summary>The value to put in place of <paramref name="child"/>, or null when it was cleaned in place.</summary>
    private static JsonNode? Replacement(JsonNode child, bool secretKey, List<string> secrets, int depth)
    {
        if (secretKey)
        {
            return JsonValue.Create(Redacted);
        }
        if (child is JsonValue value)
        {
            return value.GetValueKind() == JsonValueKind.String ? JsonValue.Create(Scrub(value.GetValue<string>(), secrets)) : null;
        }
        if (depth >= 32)
        {
            return JsonValue.Create("[too deep]");
        }
        Clean(child, secrets, depth + 1);
        return null;
    }

    private static string Scrub(string text, List<string> secrets)
    {
        foreach (var secret in secrets)
        {
            text = text.Replace(secret, Redacted, StringComparison.Ordinal);
        }
        text = BearerPattern().Replace(text, static _ => "Bearer " + Redacted);
        text = KeyPattern().Replace(text, static _ => Redacted);
        return text.Length <= MaxStringLength ? text : string.Concat(text.AsSpan(0, MaxStringLength), "…[truncated]");
    }

    [GeneratedRegex(@"Bearer\s+[A-Za-z0-9._~+/=-]{8,}", RegexOptions.IgnoreCase)]
    private static partial Regex BearerPattern();

    [GeneratedRegex(@"\b(?:sk|pk|rk)-[A-Za-z0-9_-]{16,}")]
    private static partial Regex KeyPattern();
}
