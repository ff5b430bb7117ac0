using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OpenMotoko.Hosting;
using OpenMotoko.Settings;

namespace OpenMotoko.Approvals;

/// <summary>
/// Makes tool arguments safe to show: the configured secrets, values under secret-looking keys and
/// well-known token shapes become "[redacted]", long strings are cut.
/// </summary>
internal sealed partial class SecretRedactor(SettingsStore settings, DaemonOptions options)
{
    public const string Redacted = "[redacted]";
    private const int MaxString = 2_000;
    private const int MaxDepth = 16;

    public JsonNode? Redact(JsonElement value)
    {
        var secrets = KnownSecrets();
        return Redact(value, secrets, 0);
    }

    public string RedactText(string text) => RedactText(text, KnownSecrets());

    private static JsonNode? Redact(JsonElement value, List<string> secrets, int depth)
    {
        if (depth > MaxDepth)
        {
            return JsonValue.Create("[nested too deeply]");
        }
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var obj = new JsonObject();
                foreach (var property in value.EnumerateObject())
                {
                    obj[property.Name] = SecretKey().IsMatch(property.Name) && property.Value.ValueKind != JsonValueKind.Null
                        ? JsonValue.Create(Redacted) : Redact(property.Value, secrets, depth + 1);
                }
                return obj;
            case JsonValueKind.Array:
                var array = new JsonArray();
                foreach (var item in value.EnumerateArray())
                {
                    array.Add(Redact(item, secrets, depth + 1));
                }
                return array;
            case JsonValueKind.String:
                return JsonValue.Create(RedactText(value.GetString()!, secrets));
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return null;
            default:
                return JsonNode.Parse(value.GetRawText());
        }
    }

    private static string RedactText(string text, List<string> secrets)
    {
        foreach (var secret in secrets)
        {
            text = text.Replace(secret, Redacted, StringComparison.Ordinal);
        }
        text = TokenShape().Replace(text, match => match.Groups["prefix"].Value + Redacted);
        return text.Length <= MaxString ? text : $"{text[..MaxString]}… ({text.Length - MaxString} more characters)";
    }

    private List<string> KnownSecrets()
    {
        var secrets = new List<string>();
        foreach (var definition in SettingsCatalog.All)
        {
            if (definition.IsSecret && settings.GetString(definition.Key) is { Length: >= 6 } secret)
            {
                secrets.Add(secret);
            }
        }
        if (options.Environment.Get("OPENMOTOKO_PASSWORD") is { Length: >= 4 } password)
        {
            secrets.Add(password);
        }
        return secrets;
    }

    [GeneratedRegex(@"(pass(word|wd)?|secret|token|api[-_]?key|authorization|credential|private[-_]?key|cookie)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretKey();

    [GeneratedRegex(@"(?<prefix>\b(bearer|basic)\s+)[A-Za-z0-9._~+/=-]{8,}|(?<prefix>)\b(sk-[A-Za-z0-9_-]{12,}|gh[pousr]_[A-Za-z0-9]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{30,})",
        RegexOptions.IgnoreCase)]
    private static partial Regex TokenShape();
}
