using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using OpenMotoko.Hosting;

namespace OpenMotoko.Artifacts;

/// <summary>?conversationId&amp;limit&amp;offset of GET /api/artifacts.</summary>
internal sealed record ArtifactListQuery(
    [FromQuery(Name = "limit")] string[] Limit = null!,
    [FromQuery(Name = "offset")] string[] Offset = null!,
    [FromQuery(Name = "conversationId")] string[] ConversationId = null!) : IValidatable
{
    public PageQuery Page => new(Limit, Offset);

    public string? Conversation => QueryValues.Text(ConversationId, "conversationId", 200, []);

    public void Validate(List<ErrorDetail> errors)
    {
        Page.Validate(errors);
        QueryValues.Text(ConversationId, "conversationId", 200, errors);
    }
}

/// <summary>
/// The body of POST /api/artifacts {type, title, content, language?, conversationId?} and of PATCH
/// /api/artifacts/:id (any of type, title, content, language). Content over 1 MiB is 413, checked
/// here in UTF-8 bytes; the body limit is raised for these two routes so that 1 MiB of content fits
/// however JSON escapes it, and Kestrel still refuses a larger body while reading it.
/// </summary>
internal sealed record ArtifactBody(
    string? Type, string? Title, bool LanguageGiven, string? Language, string? Content, string? ConversationId, IReadOnlyList<ErrorDetail> Problems)
    : IValidatable
{
    // Worst case: every character of 1 MiB escaped as \u00XX (six bytes), plus room for the other fields.
    private const long MaxBodyBytes = 6L * ArtifactRules.MaxContentBytes + 64 * 1024;

    public static async ValueTask<ArtifactBody?> BindAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit && limit.MaxRequestBodySize < MaxBodyBytes)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }
        var creating = HttpMethods.IsPost(context.Request.Method);
        var body = await JsonBody.ReadAsync(context, required: true);
        var problems = new List<ErrorDetail>();
        if (body.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new ErrorDetail("body", "$", creating
                ? "must be a JSON object {type, title, content, language?, conversationId?}"
                : "must be a JSON object with any of type, title, content, language"));
            return new ArtifactBody(null, null, false, null, null, null, problems);
        }
        foreach (var property in body.EnumerateObject())
        {
            if (property.Name is not ("type" or "title" or "content" or "language") && !(creating && property.Name == "conversationId"))
            {
                problems.Add(new ErrorDetail("body", property.Name, creating
                    ? $"'{property.Name}' is not an artifact field; send type, title, content, language or conversationId"
                    : $"'{property.Name}' cannot be changed; send any of type, title, content, language"));
            }
        }
        var type = Text(body, "type", creating, problems);
        var title = Text(body, "title", creating, problems)?.Trim();
        var content = Text(body, "content", creating, problems);
        var languageGiven = body.TryGetProperty("language", out _);
        var language = Text(body, "language", false, problems, nullable: true);
        var conversationId = Text(body, "conversationId", false, problems, nullable: true);
        if (type is not null && ArtifactRules.TypeProblem(type) is { } badType)
        {
            problems.Add(new ErrorDetail("body", "type", badType));
        }
        if (title is not null && ArtifactRules.TitleProblem(title) is { } badTitle)
        {
            problems.Add(new ErrorDetail("body", "title", badTitle));
        }
        // On PATCH the type may come from the stored artifact; the store checks that pairing.
        if (type is not null && ArtifactRules.TypeProblem(type) is null && ArtifactRules.LanguageProblem(language, type) is { } badLanguage)
        {
            problems.Add(new ErrorDetail("body", "language", badLanguage));
        }
        if (!creating && problems.Count == 0 && type is null && title is null && content is null && !languageGiven)
        {
            problems.Add(new ErrorDetail("body", "$", "send at least one of type, title, content, language"));
        }
        if (content is not null && ArtifactRules.Size(content) is var size && size > ArtifactRules.MaxContentBytes)
        {
            throw new ApiException(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge, ArtifactRules.TooLarge(size));
        }
        return new ArtifactBody(type, title, languageGiven, language, content, conversationId, problems);
    }

    public void Validate(List<ErrorDetail> errors) => errors.AddRange(Problems);

    public ArtifactDraft Draft() => new(Type!, Title!, Language, Content!);

    public ArtifactChanges Changes() => new(Type, Title, LanguageGiven, Language, Content);

    private static string? Text(JsonElement body, string name, bool required, List<ErrorDetail> problems, bool nullable = false)
    {
        if (!body.TryGetProperty(name, out var value) || (nullable && value.ValueKind == JsonValueKind.Null))
        {
            if (required)
            {
                problems.Add(new ErrorDetail("body", name, $"{name} is required"));
            }
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            problems.Add(new ErrorDetail("body", name, nullable ? $"{name} must be a string or null" : $"{name} must be a string"));
            return null;
        }
        return value.GetString();
    }
}
