using System.Text.Json;
using OpenMotoko.Agent;
using OpenMotoko.Hosting;
using OpenMotoko.Providers;

namespace OpenMotoko.Conversations;

/// <summary>An optional string field of a request body: whether it was sent, and its value (null clears it).</summary>
internal readonly record struct Field(bool Present, string? Value);

/// <summary>
/// The body of POST /api/conversations (optional) and PATCH /api/conversations/:id (required):
/// title, systemPrompt, model. Read by hand so PATCH can tell "absent" from "null"; checked by the
/// validation filter (a model must name a known provider, configured or not).
/// </summary>
internal sealed record ConversationRequest(Field Title, Field SystemPrompt, Field Model, IReadOnlyList<ErrorDetail> Problems) : IValidatable
{
    public const int MaxTitle = 200;
    public const int MaxSystemPrompt = 100_000;

    public static async ValueTask<ConversationRequest?> BindAsync(HttpContext context) =>
        Read(await JsonBody.ReadAsync(context, required: HttpMethods.IsPatch(context.Request.Method)), context.RequestServices.GetRequiredService<ModelSelector>());

    public void Validate(List<ErrorDetail> errors) => errors.AddRange(Problems);

    private static ConversationRequest Read(JsonElement body, ModelSelector selector)
    {
        var problems = new List<ErrorDetail>();
        if (body.ValueKind == JsonValueKind.Undefined)
        {
            return new ConversationRequest(default, default, default, problems);
        }
        if (body.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new ErrorDetail("body", "$", "must be a JSON object {title?, systemPrompt?, model?}"));
            return new ConversationRequest(default, default, default, problems);
        }
        foreach (var property in body.EnumerateObject())
        {
            if (property.Name is not ("title" or "systemPrompt" or "model"))
            {
                problems.Add(new ErrorDetail("body", property.Name, $"'{property.Name}' is not a conversation field; send title, systemPrompt or model"));
            }
        }
        var request = new ConversationRequest(
            BodyFields.String(body, "title", MaxTitle, problems),
            BodyFields.String(body, "systemPrompt", MaxSystemPrompt, problems),
            BodyFields.String(body, "model", TurnService.MaxModel, problems),
            problems);
        if (request.Model.Value is { } model)
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
        return request;
    }
}

/// <summary>The body of POST /api/conversations/:id/messages: {content, model?}. Lengths and the model are the turn service's to check.</summary>
internal sealed record MessageRequest(string? Content, string? Model, IReadOnlyList<ErrorDetail> Problems) : IValidatable
{
    public static async ValueTask<MessageRequest?> BindAsync(HttpContext context)
    {
        var body = await JsonBody.ReadAsync(context, required: true);
        var problems = new List<ErrorDetail>();
        if (body.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new ErrorDetail("body", "$", "must be a JSON object {content, model?}"));
            return new MessageRequest(null, null, problems);
        }
        var content = BodyFields.String(body, "content", int.MaxValue, problems);
        var model = BodyFields.String(body, "model", int.MaxValue, problems);
        return new MessageRequest(content.Value, model.Value, problems);
    }

    public void Validate(List<ErrorDetail> errors) => errors.AddRange(Problems);
}

/// <summary>The one reader of typed fields in a request body, with one wording for its errors.</summary>
internal static class BodyFields
{
    public static Field String(JsonElement body, string name, int maxLength, List<ErrorDetail> errors)
    {
        if (!body.TryGetProperty(name, out var value))
        {
            return default;
        }
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                return new Field(true, null);
            case JsonValueKind.String:
                var text = value.GetString()!;
                if (text.Length > maxLength)
                {
                    errors.Add(new ErrorDetail("body", name, $"{name} must be at most {maxLength} characters (got {text.Length})"));
                }
                return new Field(true, text);
            default:
                errors.Add(new ErrorDetail("body", name, $"{name} must be a string or null"));
                return default;
        }
    }
}
