using System.Text.Json;
using OpenMotoko.Agent;
using OpenMotoko.Conversations;
using OpenMotoko.Hosting;
using OpenMotoko.Providers;

namespace OpenMotoko.Webhooks;

/// <summary>
/// The body of POST /api/webhooks: {name (1–100), prompt?, targetConversationId?, model?, enabled?, deliverTo?}.
/// Shape, lengths and the model's provider are checked here; that the target conversation exists
/// is checked by the handler (it needs the database).
/// </summary>
internal sealed record WebhookRequest(string Name, string? Prompt, string? TargetConversationId, string? Model, bool Enabled,
    Channels.DeliveryTarget? DeliverTo, IReadOnlyList<ErrorDetail> Problems) : IValidatable
{
    public const int MaxName = 100;
    public const int MaxPrompt = 10_000;
    private static readonly string[] Fields = ["name", "prompt", "targetConversationId", "model", "enabled", Channels.DeliveryTarget.Field];

    public static async ValueTask<WebhookRequest?> BindAsync(HttpContext context) =>
        Read(await JsonBody.ReadAsync(context, required: true), context.RequestServices.GetRequiredService<ModelSelector>());

    public void Validate(List<ErrorDetail> errors) => errors.AddRange(Problems);

    private static WebhookRequest Read(JsonElement body, ModelSelector selector)
    {
        var problems = new List<ErrorDetail>();
        if (body.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new ErrorDetail("body", "$", "must be a JSON object {name, prompt?, targetConversationId?, model?, enabled?, deliverTo?}"));
            return new WebhookRequest("", null, null, null, true, null, problems);
        }
        foreach (var property in body.EnumerateObject())
        {
            if (!Fields.Contains(property.Name, StringComparer.Ordinal))
            {
                problems.Add(new ErrorDetail("body", property.Name, $"'{property.Name}' is not a webhook field; send {string.Join(", ", Fields)}"));
            }
        }
        var name = BodyFields.String(body, "name", MaxName, problems).Value?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            problems.Add(new ErrorDetail("body", "name", $"name is required: 1 to {MaxName} characters"));
        }
        var prompt = Blank(BodyFields.String(body, "prompt", MaxPrompt, problems).Value);
        if (prompt is not null && WebhookPrompt.CountPlaceholders(prompt) > WebhookPrompt.MaxPlaceholders)
        {
            problems.Add(new ErrorDetail("body", "prompt", $"prompt may use at most {WebhookPrompt.MaxPlaceholders} placeholders"));
        }
        var target = Blank(BodyFields.String(body, "targetConversationId", 100, problems).Value);
        var model = Blank(BodyFields.String(body, "model", TurnService.MaxModel, problems).Value);
        if (model is not null)
        {
            try
            {
                selector.Locate(model);
            }
            catch (ApiException ex)
            {
                problems.Add(new ErrorDetail("body", "model", ex.Message));
            }
        }
        var enabled = true;
        if (body.TryGetProperty("enabled", out var flag))
        {
            if (flag.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                enabled = flag.GetBoolean();
            }
            else
            {
                problems.Add(new ErrorDetail("body", "enabled", "enabled must be true or false"));
            }
        }
        var deliverTo = Channels.DeliveryTarget.Read(body, problems);
        return new WebhookRequest(name ?? "", prompt, target, model, enabled, deliverTo, problems);
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;
}
