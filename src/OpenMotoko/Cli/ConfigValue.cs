using System.Text.Json;
using System.Text.Json.Nodes;
using OpenMotoko.Auth;
using OpenMotoko.Hosting;
using OpenMotoko.Settings;
using OpenMotoko.Storage;

namespace OpenMotoko.Cli;

/// <summary>What `openmotoko config set` makes of the text typed in a shell, and the checks it does beyond a key's own.</summary>
internal static class ConfigValue
{
    /// <summary>
    /// String keys take the text as it is; array keys take JSON (["ls","cat"]) or a comma-separated list (ls,cat);
    /// other keys take JSON (5, true, {"daily": 3}).
    /// </summary>
    public static JsonNode? ToNode(SettingDefinition definition, string text)
    {
        if (definition.Type.StartsWith("string", StringComparison.Ordinal))
        {
            return JsonValue.Create(text);
        }
        if (definition.Type.StartsWith("array", StringComparison.Ordinal) && !text.TrimStart().StartsWith('['))
        {
            return new JsonArray([.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(item => (JsonNode?)JsonValue.Create(item))]);
        }
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text); // validation then says what type was expected
        }
    }

    /// <summary>The budget a partial object leaves, merged over the stored one exactly as PUT /api/settings/budget merges.</summary>
    public static JsonNode? MergeBudget(SettingsStore store, JsonNode? value)
    {
        if (value is not JsonObject)
        {
            return value;
        }
        var problems = new List<ErrorDetail>();
        var merged = BudgetSettings.Merge(store.Budget, SettingDefinition.Parse(value.ToJsonString()), "", problems);
        return merged is null ? value : JsonNode.Parse(merged.ToJson().GetRawText());
    }

    /// <summary>Why `serve` would refuse the address this change leaves (the same rule `serve` and `doctor` apply), or null.</summary>
    public static string? BindRefusal(Database database, SettingsStore store, CliContext context, string key, JsonNode? value)
    {
        if (key != SettingsCatalog.AppHost || value is null)
        {
            return null;
        }
        var password = new OwnerPassword(database, context.Environment, TimeProvider.System);
        return BindRule.Refusal(value.GetValue<string>(), store.GetInt32(SettingsCatalog.AppPort), password.IsConfigured);
    }
}
