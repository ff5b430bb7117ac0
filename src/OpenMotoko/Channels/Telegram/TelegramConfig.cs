using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using OpenMotoko.Hosting;

namespace OpenMotoko.Channels.Telegram;

/// <summary>
/// Telegram's channel config: <c>botToken</c> (secret), <c>allowFrom</c> (user ids), <c>groupMode</c>
/// (<c>mention</c>: answer in groups only when mentioned or replied to; <c>all</c>) and
/// <c>streaming</c> (edit one message as the answer grows).
/// </summary>
internal sealed partial record TelegramConfig(string? BotToken, IReadOnlyList<string> AllowFrom, string GroupMode, bool Streaming)
{
    public const string TokenKey = "botToken";
    public const string TokenVariable = "TELEGRAM_BOT_TOKEN";
    public const string BaseUrlVariable = "TELEGRAM_API_BASE_URL";
    public const string DefaultBaseUrl = "https://api.telegram.org";

    private static readonly string[] GroupModes = ["mention", "all"];

    public bool AnswersAllInGroups => GroupMode == "all";

    public static TelegramConfig From(JsonObject config) => new(
        config[TokenKey]?.GetValue<string>(),
        config["allowFrom"] is JsonArray list ? [.. list.Select(Id)] : [],
        config["groupMode"]?.GetValue<string>() ?? "mention",
        config["streaming"]?.GetValue<bool>() ?? true);

    /// <summary>Checks a merged config; one detail per problem, each naming its field.</summary>
    public static void Validate(JsonObject config, string dmPolicy, List<ErrorDetail> errors)
    {
        foreach (var (key, value) in config)
        {
            var path = "config." + key;
            var problem = key switch
            {
                TokenKey => value?.GetValueKind() == JsonValueKind.String && TokenShape().IsMatch(value.GetValue<string>()) ? null
                    : "botToken must be the token BotFather gave you, like 123456789:AAE...",
                "allowFrom" => value is JsonArray ids && ids.Count <= 1000 && ids.All(IsId) ? null
                    : "allowFrom must be an array of Telegram user ids (numbers)",
                "groupMode" => value?.GetValueKind() == JsonValueKind.String && GroupModes.Contains(value.GetValue<string>()) ? null
                    : "groupMode must be \"mention\" (answer in groups only when mentioned or replied to) or \"all\"",
                "streaming" => value?.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? null : "streaming must be true or false",
                _ => $"'{key}' is not a Telegram setting; use botToken, allowFrom, groupMode or streaming",
            };
            if (problem is not null)
            {
                errors.Add(new ErrorDetail("body", path, problem));
            }
        }
        if (dmPolicy == DmPolicies.Allowlist && errors.Count == 0 && config["allowFrom"] is not JsonArray { Count: > 0 })
        {
            errors.Add(new ErrorDetail("body", "config.allowFrom", "dmPolicy allowlist needs config.allowFrom: the Telegram user ids that may talk to the bot"));
        }
    }

    private static bool IsId(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.Number => node.AsValue().TryGetValue<long>(out _),
        JsonValueKind.String => long.TryParse(node.GetValue<string>(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _),
        _ => false,
    };

    private static string Id(JsonNode? node) => node!.GetValueKind() == JsonValueKind.Number
        ? node.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture)
        : node.GetValue<string>();

    [GeneratedRegex(@"^[0-9]{3,20}:[A-Za-z0-9_-]{20,100}$")]
    private static partial Regex TokenShape();
}
