using System.Text.Json;
using OpenMotoko.Agent;
using OpenMotoko.Hosting;
using OpenMotoko.Providers;

namespace OpenMotoko.Conversations;

/// <summary>An optional string field of a request body: whether it was sent, and its value (null clears it).</summary>
internal readonly record struct Field(bool Present, string? Value);

/// <summary>The body of POST and PATCH /api/conversations, read by hand so PATCH can tell "absent" from "null".</summary>
internal sealed record ConversationInput(Field Title, Field SystemPrompt, Field Model)
{
    public const int MaxTitle = 200;
    public const int MaxSystemPrompt = 100_000;
    public const int MaxModel = 200;

    public static ConversationInput? Parse(JsonElement body, ModelSelector selector, List<ErrorDetail> errors)
    {
        if (body.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return new ConversationInput(default, default, default);
        }
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new ErrorDetail("body", "$", "must be a JSON object {title?, systemPrompt?, model?}"));
            return null;
        }
        if (!JsonText.IsReadable(body, errors)) return null;
        foreach (var property in body.EnumerateObject())
        {
            if (property.Name is not ("title" or "systemPrompt" or "model"))
            {
                errors.Add(new ErrorDetail("body", property.Name, $"'{property.Name}' is not a conversation field; send title, systemPrompt or model"));
            }
        }
        var input = new ConversationInput(
            ReadString(body, "title", MaxTitle, errors),
            ReadString(body, "systemPrompt", MaxSystemPrompt, errors),
            ReadString(body, "model", MaxModel, errors));
        if (input.Model.Value is { } model && CheckModel(model, selector) is { } problem)
        {
            errors.Add(new ErrorDetail("body", "model", problem));
        }
        return errors.Count == 0 ? input : null;
    }

    /// <summary>Null when the model names a known provider (configured or not), else what is wrong.</summary>
    public static string? CheckModel(string model, ModelSelector selector)
    {
        try
        {
            selector.Locate(model);
            return null;
        }
        catch (AgentStopException ex)
        {
            return ex.Message;
        }
    }

    public static Field ReadString(JsonElement body, string name, int maxLength, List<ErrorDetail> errors, int minLength = 0)
    {
        if (!JsonText.IsReadable(body, errors)) return default;
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
                if (text.Length > maxLength || text.Length < minLength)
                {
                    errors.Add(new ErrorDetail("body", name, minLength > 0
                        ? $"{name} must be {minLength} to {maxLength} characters (got {text.Length})"
                        : $"{name} must be at most {maxLength} characters (got {text.Length})"));
                }
                return new Field(true, text);
            default:
                errors.Add(new ErrorDetail("body", name, $"{name} must be a string or null"));
                return default;
        }
    }
}
