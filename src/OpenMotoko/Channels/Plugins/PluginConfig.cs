using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OpenMotoko.Hosting;
using OpenMotoko.Settings;

namespace OpenMotoko.Channels.Plugins;

/// <summary>
/// A plugin channel's config: the fields its hello's <c>configSchema</c> declares (a JSON Schema
/// subset: <c>properties</c> with <c>type</c>, <c>enum</c>, <c>description</c>, and <c>secret: true</c>
/// for values masked on read), plus the daemon's own keys: <c>allowFrom</c>, <c>groupMode</c>,
/// <c>streaming</c> (as for Telegram) and <c>env</c> (the only environment the plugin gets; values masked).
/// </summary>
internal static partial class PluginConfig
{
    public const string EnvKey = "env";

    private static readonly string[] FrameworkKeys = ["allowFrom", "groupMode", "streaming"];
    private static readonly string[] ReservedVariables = ["PATH", "HOME", Skills.Shell.ProcessTree.MarkerVariable];

    /// <summary>What the chat framework reads (who may talk, groups, streaming), with Telegram's meaning.</summary>
    public static JsonObject FrameworkPart(JsonObject config) =>
        new(config.Where(p => FrameworkKeys.Contains(p.Key) && p.Value is not null).Select(p => KeyValuePair.Create<string, JsonNode?>(p.Key, p.Value!.DeepClone())));

    /// <summary>What the plugin is sent in its <c>config</c> line: everything but <c>env</c>.</summary>
    public static JsonObject ForPlugin(JsonObject config) =>
        new(config.Where(p => p.Key != EnvKey).Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));

    public static Dictionary<string, string> Environment(JsonObject config) =>
        config[EnvKey] is JsonObject env
            ? env.Where(p => p.Value?.GetValueKind() == JsonValueKind.String).ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.Ordinal)
            : [];

    public static IEnumerable<string> SecretKeys(JsonObject? schema) =>
        schema?["properties"] is JsonObject properties
            ? properties.Where(p => p.Value is JsonObject field && (IsTrue(field["secret"]) || IsTrue(field["writeOnly"]))).Select(p => p.Key)
            : [];

    /// <summary>Every secret value in the config (secret fields and env values), to keep out of logs.</summary>
    public static string[] SecretValues(JsonObject config, JsonObject? schema) =>
        [.. SecretKeys(schema).Select(k => config[k]).Concat(config[EnvKey] is JsonObject env ? env.Select(p => p.Value) : [])
            .Where(v => v?.GetValueKind() == JsonValueKind.String).Select(v => v!.GetValue<string>()).Where(v => v.Length >= 4)];

    public static JsonObject Masked(JsonObject config, JsonObject? schema)
    {
        var copy = (JsonObject)config.DeepClone();
        foreach (var key in SecretKeys(schema).Where(k => copy[k]?.GetValueKind() == JsonValueKind.String))
        {
            copy[key] = SecretMask.Mask(copy[key]!.GetValue<string>());
        }
        if (copy[EnvKey] is JsonObject env)
        {
            foreach (var name in env.Select(p => p.Key).ToList().Where(n => env[n]?.GetValueKind() == JsonValueKind.String))
            {
                env[name] = SecretMask.Mask(env[name]!.GetValue<string>());
            }
        }
        return copy;
    }

    /// <summary>Applies one PUT key to the stored config; a masked secret sent back unchanged keeps the real value.</summary>
    public static void Merge(JsonObject stored, string key, JsonNode value, JsonObject current, JsonObject? schema)
    {
        if (key == EnvKey && value is JsonObject env && stored[EnvKey] is JsonObject before)
        {
            var merged = new JsonObject();
            foreach (var (name, entry) in env)
            {
                merged[name] = Unchanged(entry, before[name]) ? before[name]!.DeepClone() : entry?.DeepClone();
            }
            stored[EnvKey] = merged;
        }
        else if (!(SecretKeys(schema).Contains(key) && Unchanged(value, current[key])))
        {
            stored[key] = value.DeepClone();
        }
    }

    /// <summary>Checks a merged config against the daemon's keys and the plugin's schema; one detail per problem, each naming its field.</summary>
    public static void Validate(JsonObject config, string dmPolicy, JsonObject? schema, List<ErrorDetail> errors)
    {
        var properties = schema?["properties"] as JsonObject;
        foreach (var (key, value) in config)
        {
            var problem = key switch
            {
                "allowFrom" => value is JsonArray ids && ids.Count <= 1000 && ids.All(i => i?.GetValueKind() is JsonValueKind.String or JsonValueKind.Number) ? null
                    : "allowFrom must be an array of sender ids",
                "groupMode" => value?.GetValueKind() == JsonValueKind.String && value.GetValue<string>() is "mention" or "all" ? null
                    : "groupMode must be \"mention\" (answer in groups only when mentioned) or \"all\"",
                "streaming" => value?.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? null : "streaming must be true or false",
                EnvKey => EnvProblem(value),
                _ when properties is null => null, // no hello yet: nothing to check against
                _ when properties[key] is JsonObject field => FieldProblem(key, value, field),
                _ => $"'{key}' is not a setting of this plugin; it declares {string.Join(", ", properties.Select(p => p.Key).Concat([.. FrameworkKeys, EnvKey]))}",
            };
            if (problem is not null)
            {
                errors.Add(new ErrorDetail("body", "config." + key, problem));
            }
        }
        if (dmPolicy == DmPolicies.Allowlist && errors.Count == 0 && config["allowFrom"] is not JsonArray { Count: > 0 })
        {
            errors.Add(new ErrorDetail("body", "config.allowFrom", "dmPolicy allowlist needs config.allowFrom: the sender ids that may talk to the channel"));
        }
    }

    private static string? FieldProblem(string key, JsonNode? value, JsonObject field)
    {
        var type = field["type"]?.GetValueKind() == JsonValueKind.String ? field["type"]!.GetValue<string>() : null;
        var kind = value?.GetValueKind();
        var fits = type switch
        {
            "string" => kind == JsonValueKind.String,
            "integer" => kind == JsonValueKind.Number && value!.AsValue().TryGetValue<long>(out _),
            "number" => kind == JsonValueKind.Number,
            "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
            "array" => kind == JsonValueKind.Array,
            "object" => kind == JsonValueKind.Object,
            _ => true,
        };
        if (!fits)
        {
            return $"{key} must be of type {type}";
        }
        if (field["enum"] is JsonArray choices && !choices.Any(c => JsonNode.DeepEquals(c, value)))
        {
            return $"{key} must be one of {choices.ToJsonString()}";
        }
        return null;
    }

    private static string? EnvProblem(JsonNode? value)
    {
        if (value is not JsonObject env || env.Count > 50)
        {
            return "env must be an object of at most 50 variables, {\"NAME\": \"value\"}";
        }
        foreach (var (name, entry) in env)
        {
            if (!VariableName().IsMatch(name) || ReservedVariables.Contains(name))
            {
                return $"env: '{name}' is not a variable name the plugin may be given (letters, digits, _; not PATH or HOME)";
            }
            if (entry?.GetValueKind() != JsonValueKind.String || entry.GetValue<string>().Length > 8192)
            {
                return $"env.{name} must be a string of at most 8192 characters";
            }
        }
        return null;
    }

    private static bool Unchanged(JsonNode? sent, JsonNode? current) =>
        sent?.GetValueKind() == JsonValueKind.String && current?.GetValueKind() == JsonValueKind.String
        && sent.GetValue<string>() == SecretMask.Mask(current.GetValue<string>());

    private static bool IsTrue(JsonNode? node) => node?.GetValueKind() == JsonValueKind.True;

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,127}$")]
    private static partial Regex VariableName();
}
