using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenMotoko.Settings;

namespace OpenMotoko.Cli;

/// <summary>`openmotoko config get|set|unset`: the settings API's keys and validation, from the shell.</summary>
internal sealed class ConfigCommand : Command
{
    private static readonly Option<string?> DataDirOption = CommonOptions.DataDir(recursive: true);

    public ConfigCommand(CliContext context) : base("config", "Read or change settings (the same keys and checks as the settings API).")
    {
        var keyArgument = new Argument<string?>("KEY") { Description = "A settings key, e.g. app.port. Omit to list all.", Arity = ArgumentArity.ZeroOrOne };
        var get = new Command("get", "Print a setting's effective value (secrets masked), or all settings.") { keyArgument };
        get.SetAction(parseResult => Get(context, parseResult, parseResult.GetValue(keyArgument)));

        var setKey = new Argument<string>("KEY") { Description = "A settings key, e.g. app.port." };
        var setValue = new Argument<string>("VALUE") { Description = "The value: text for string keys, JSON for numbers, booleans and objects." };
        var set = new Command("set", "Store a setting.") { setKey, setValue };
        set.SetAction((parseResult, cancellationToken) => SetAsync(context, parseResult, parseResult.GetValue(setKey)!, parseResult.GetValue(setValue), cancellationToken));

        var unsetKey = new Argument<string>("KEY") { Description = "A settings key to reset to its default." };
        var unset = new Command("unset", "Remove a stored setting, so its default (or env var) applies.") { unsetKey };
        unset.SetAction((parseResult, cancellationToken) => SetAsync(context, parseResult, parseResult.GetValue(unsetKey)!, null, cancellationToken));

        Options.Add(DataDirOption);
        Subcommands.Add(get);
        Subcommands.Add(set);
        Subcommands.Add(unset);
    }

    private static int Get(CliContext context, ParseResult parseResult, string? key)
    {
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        if (key is not null && !SettingsCatalog.ByKey.ContainsKey(key))
        {
            error.WriteLine($"openmotoko: '{key}' is not a setting. Known keys: {string.Join(", ", SettingsCatalog.ByKey.Keys.Order(StringComparer.Ordinal))}");
            return ExitCodes.Usage;
        }
        try
        {
            var store = OpenStore(context, parseResult);
            var all = store.ToMaskedJson();
            if (key is null)
            {
                foreach (var (name, value) in all)
                {
                    output.WriteLine($"{name} = {Show(value)}{SourceNote(store, name)}");
                }
            }
            else
            {
                output.WriteLine(Show(all[key]));
            }
            return ExitCodes.Ok;
        }
        catch (Exception ex) when (StorageCommand.IsUserError(ex))
        {
            error.WriteLine($"openmotoko: {ex.Message}");
            return ExitCodes.Failure;
        }
    }

    private static async Task<int> SetAsync(CliContext context, ParseResult parseResult, string key, string? text, CancellationToken cancellationToken)
    {
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        if (!SettingsCatalog.ByKey.TryGetValue(key, out var definition))
        {
            error.WriteLine($"openmotoko: '{key}' is not a setting. Known keys: {string.Join(", ", SettingsCatalog.ByKey.Keys.Order(StringComparer.Ordinal))}");
            return ExitCodes.Usage;
        }
        var value = text is null ? null : ConfigValue.ToNode(definition, text);
        var errors = SettingsStore.Validate(ToElement(key, value));
        if (errors.Count > 0)
        {
            error.WriteLine($"openmotoko: {errors[0].Message}{ArrayHint(definition)}; nothing was changed.");
            return ExitCodes.Usage;
        }
        try
        {
            var database = StorageCommand.OpenMigrated(parseResult.GetValue(DataDirOption), context.Environment);
            var store = new SettingsStore(database, context.Environment, TimeProvider.System);
            if (ConfigValue.BindRefusal(database, store, context, key, value) is { } refusal)
            {
                error.WriteLine($"openmotoko: {refusal} Nothing was changed.");
                return ExitCodes.Usage;
            }
            if (key == SettingsCatalog.Budget)
            {
                value = ConfigValue.MergeBudget(store, value); // like PUT /api/settings/budget: fields not given keep their value
            }
            await store.ApplyAsync(ToElement(key, value), cancellationToken);
            output.WriteLine(text is null ? $"{key} reset to its default." : $"{key} = {Show(store.ToMaskedJson()[key])}");
            if (store.SourceOf(key) == SettingSource.Environment)
            {
                output.WriteLine($"Note: {definition.EnvVar} is set and wins over the stored value while it is.");
            }
            return ExitCodes.Ok;
        }
        catch (Exception ex) when (StorageCommand.IsUserError(ex))
        {
            error.WriteLine($"openmotoko: {ex.Message}");
            return ExitCodes.Failure;
        }
    }

    private static JsonElement ToElement(string key, JsonNode? value) =>
        JsonSerializer.SerializeToElement(new JsonObject { [key] = value?.DeepClone() }, SettingsJsonContext.Default.JsonObject);

    private static string ArrayHint(SettingDefinition definition) =>
        definition.Type.StartsWith("array", StringComparison.Ordinal) ? " (give a comma-separated list, e.g. ls,cat, or JSON, e.g. '[\"ls\",\"cat\"]')" : "";

    private static SettingsStore OpenStore(CliContext context, ParseResult parseResult) =>
        new(StorageCommand.OpenMigrated(parseResult.GetValue(DataDirOption), context.Environment), context.Environment, TimeProvider.System);

    private static string Show(JsonNode? value) => value is null ? "null" : value.ToJsonString(ShowJson.Options);

    /// <summary>Built on the first `config get`/`show`, not when the command line is: every other command starts without it.</summary>
    private static class ShowJson
    {
        // For a terminal, not a web page: quotes and non-ASCII text as they are, not as \u0022.
        public static readonly JsonSerializerOptions Options =
            new(SettingsJsonContext.Default.Options) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    }

    private static string SourceNote(SettingsStore store, string key) => store.SourceOf(key) switch
    {
        SettingSource.Environment => "  (from env)",
        SettingSource.Stored => "  (stored)",
        _ => "",
    };
}
