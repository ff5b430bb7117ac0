using System.Text.Json;
using System.Text.Json.Nodes;
using OpenMotoko.Channels.Plugins;
using OpenMotoko.Channels.Telegram;
using OpenMotoko.Hosting;
using OpenMotoko.Settings;

namespace OpenMotoko.Channels;

/// <summary>A channel's effective settings: the stored row, with what the environment configures (TELEGRAM_BOT_TOKEN).</summary>
internal sealed record ChannelSettings(string Id, string Type, string Name, bool Enabled, string DmPolicy, JsonObject Config, JsonObject? Schema = null)
{
    /// <summary>The settings the chat framework reads (allowFrom, groupMode, streaming); a plugin's own keys are its business.</summary>
    public TelegramConfig Telegram => TelegramConfig.From(Type == ChannelCatalog.TelegramId ? Config : PluginConfig.FrameworkPart(Config));

    /// <summary>Whether the channel has what it needs to start.</summary>
    public bool Configured => Type != "telegram" || Telegram.BotToken is not null;
}

/// <summary>The body of PUT /api/channels/:id, already checked for shape; the config is checked per type.</summary>
internal sealed record ChannelUpdate(bool? Enabled, JsonObject? Config, string? DmPolicy);

/// <summary>
/// The channels the daemon knows (the built-in <c>telegram</c>, configured or not, and each installed plugin) and their
/// settings: read, masked for the API, validated per type and stored.
/// </summary>
internal sealed class ChannelCatalog(ChannelStore store, PluginStore plugins, EnvironmentSnapshot environment)
{
    public const string TelegramId = "telegram";

    private static readonly string[] SecretKeys = [TelegramConfig.TokenKey, TelegramConfig.WebhookSecretKey];

    public IReadOnlyList<string> Ids => [TelegramId, .. plugins.Ids];

    public bool Knows(string id) => Ids.Contains(id, StringComparer.Ordinal);

    public async Task<ChannelSettings?> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (!Knows(id))
        {
            return null;
        }
        var row = await store.GetAsync(id, cancellationToken);
        var config = row is null ? new JsonObject() : JsonNode.Parse(row.Config) as JsonObject ?? new JsonObject();
        if (plugins.Get(id) is { } plugin)
        {
            return new ChannelSettings(id, PluginChannel.Type, plugin.Name ?? id, row?.Enabled is not { } on || on != 0, row?.DmPolicy ?? DmPolicies.Pairing,
                config, plugin.Schema);
        }
        if (environment.Get(TelegramConfig.TokenVariable) is { } token)
        {
            config[TelegramConfig.TokenKey] = token; // the environment wins over a stored token
        }
        var configured = config[TelegramConfig.TokenKey] is not null;
        return new ChannelSettings(id, "telegram", "Telegram", row?.Enabled is { } enabled ? enabled != 0 : configured,
            row?.DmPolicy ?? DmPolicies.Pairing, config);
    }

    /// <summary>Merges, validates (400 naming the field) and stores an update; returns the new settings.</summary>
    public async Task<ChannelSettings> UpdateAsync(ChannelSettings current, ChannelUpdate update, CancellationToken cancellationToken)
    {
        var row = await store.GetAsync(current.Id, cancellationToken);
        var stored = row is null ? new JsonObject() : JsonNode.Parse(row.Config) as JsonObject ?? new JsonObject();
        foreach (var (key, value) in update.Config ?? [])
        {
            if (value is null)
            {
                stored.Remove(key);
            }
            else if (current.Type == PluginChannel.Type)
            {
                PluginConfig.Merge(stored, key, value, current.Config, current.Schema);
            }
            else if (!(SecretKeys.Contains(key) && value.GetValueKind() == JsonValueKind.String &&
                       value.GetValue<string>() == SecretMask.Mask(current.Config[key]?.GetValue<string>())))
            {
                stored[key] = value.DeepClone(); // a masked secret sent back unchanged keeps the real one
            }
        }
        if (current.Type != PluginChannel.Type)
        {
            WebhookSecret(stored);
        }
        var policy = update.DmPolicy ?? current.DmPolicy;
        var errors = new List<ErrorDetail>();
        if (current.Type == PluginChannel.Type)
        {
            PluginConfig.Validate(stored, policy, current.Schema, errors);
        }
        else
        {
            TelegramConfig.Validate(stored, policy, errors);
        }
        if (errors.Count > 0)
        {
            throw ApiException.Validation(errors);
        }
        var enabled = update.Enabled ?? (row?.Enabled is { } chosen ? chosen != 0 : (bool?)null);
        var oldToken = row is null ? null : (JsonNode.Parse(row.Config) as JsonObject)?[TelegramConfig.TokenKey]?.GetValue<string>();
        var newBot = current.Type != PluginChannel.Type && stored[TelegramConfig.TokenKey]?.GetValue<string>() is { } token && token != oldToken;
        await store.SaveAsync(new ChannelRow(current.Id, current.Type, current.Name, enabled is null ? null : enabled.Value ? 1 : 0,
            policy, stored.ToJsonString(), 0), resetOffset: newBot, cancellationToken); // update ids are per bot
        return (await GetAsync(current.Id, cancellationToken))!;
    }

    /// <summary>Webhook mode gets a random secret for setWebhook (kept until polling again); polling needs none.</summary>
    private static void WebhookSecret(JsonObject stored)
    {
        if (stored[TelegramConfig.ModeKey]?.GetValueKind() == JsonValueKind.String && stored[TelegramConfig.ModeKey]!.GetValue<string>() == TelegramConfig.WebhookMode)
        {
            stored[TelegramConfig.WebhookSecretKey] ??= Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        }
        else
        {
            stored.Remove(TelegramConfig.WebhookSecretKey);
        }
    }

    /// <summary>A channel's config as the API shows it: secrets masked (a plugin's as its schema marks them).</summary>
    public static JsonObject Masked(ChannelSettings settings) =>
        settings.Type == PluginChannel.Type ? PluginConfig.Masked(settings.Config, settings.Schema) : Masked(settings.Config);

    /// <summary>The config as the API shows it: secrets masked.</summary>
    public static JsonObject Masked(JsonObject config)
    {
        var copy = (JsonObject)config.DeepClone();
        foreach (var key in SecretKeys)
        {
            if (copy[key]?.GetValueKind() == JsonValueKind.String)
            {
                copy[key] = SecretMask.Mask(copy[key]!.GetValue<string>());
            }
        }
        return copy;
    }
}
