using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenMotoko.Agent;
using OpenMotoko.Hosting;
using OpenMotoko.Providers;

namespace OpenMotoko.Conversations;

internal static class ConversationsApi
{
    public static RouteGroupBuilder MapConversations(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/conversations");
        group.MapGet("/", List);
        group.MapPost("/", Create);
        group.MapGet("/{id}", Get);
        group.MapPatch("/{id}", Patch);
        group.MapDelete("/{id}", Delete);
        group.MapPost("/{id}/messages", MessagesApi.Post);
        return group;
    }

    private static async Task<Results<Ok<ConversationPage>, JsonHttpResult<ApiError>>> List(
        HttpContext context, ConversationStore store, CancellationToken cancellationToken)
    {
        var errors = new List<ErrorDetail>();
        var limit = ReadQueryInt(context, "limit", 20, 1, 100, errors);
        var offset = ReadQueryInt(context, "offset", 0, 0, int.MaxValue, errors);
        if (errors.Count > 0)
        {
            return ApiErrors.Validation(errors);
        }
        return TypedResults.Ok(await store.ListAsync(limit, offset, cancellationToken));
    }

    private static async Task<Results<Created<Conversation>, JsonHttpResult<ApiError>>> Create(
        HttpContext context, ConversationStore store, ModelSelector selector, CancellationToken cancellationToken)
    {
        var errors = new List<ErrorDetail>();
        var body = await ReadOptionalBodyAsync(context, errors, cancellationToken);
        if (errors.Count > 0 || ConversationInput.Parse(body, selector, errors) is not { } input)
        {
            return ApiErrors.Validation(errors);
        }
        var conversation = await store.CreateAsync(Blank(input.Title.Value), Blank(input.SystemPrompt.Value), Blank(input.Model.Value), null, cancellationToken);
        return TypedResults.Created($"/api/conversations/{conversation.Id}", conversation);
    }

    private static async Task<Results<Ok<ConversationDetail>, JsonHttpResult<ApiError>>> Get(
        string id, ConversationStore store, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, cancellationToken) is not { } conversation)
        {
            return NotFound(id);
        }
        return TypedResults.Ok(ConversationDetail.Of(conversation, await store.MessagesAsync(id, cancellationToken)));
    }

    private static async Task<Results<Ok<Conversation>, JsonHttpResult<ApiError>>> Patch(
        string id, JsonElement body, ConversationStore store, ModelSelector selector, CancellationToken cancellationToken)
    {
        var errors = new List<ErrorDetail>();
        if (ConversationInput.Parse(body, selector, errors) is not { } input)
        {
            return ApiErrors.Validation(errors);
        }
        if (await store.GetAsync(id, cancellationToken) is not { } current)
        {
            return NotFound(id);
        }
        var merged = current with
        {
            Title = input.Title.Present ? Blank(input.Title.Value) : current.Title,
            SystemPrompt = input.SystemPrompt.Present ? Blank(input.SystemPrompt.Value) : current.SystemPrompt,
            Model = input.Model.Present ? Blank(input.Model.Value) : current.Model,
        };
        return await store.UpdateAsync(merged, cancellationToken) is { } updated ? TypedResults.Ok(updated) : NotFound(id);
    }

    private static async Task<Results<NoContent, JsonHttpResult<ApiError>>> Delete(
        string id, ConversationStore store, AgentRuns runs, CancellationToken cancellationToken)
    {
        runs.CancelConversation(id);
        return await store.DeleteAsync(id, cancellationToken) ? TypedResults.NoContent() : NotFound(id);
    }

    public static JsonHttpResult<ApiError> NotFound(string id) => ApiErrors.NotFound($"No conversation with id '{id}'.");

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    /// <summary>POST may come without a body (all fields optional); a body that is there must be JSON.</summary>
    private static async Task<JsonElement> ReadOptionalBodyAsync(HttpContext context, List<ErrorDetail> errors, CancellationToken cancellationToken)
    {
        var request = context.Request;
        if (request.ContentLength == 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count == 0))
        {
            return default;
        }
        if (!request.HasJsonContentType())
        {
            errors.Add(new ErrorDetail("body", "$", "Send the body as JSON with 'Content-Type: application/json'."));
            return default;
        }
        try
        {
            return await request.ReadFromJsonAsync(HostingJsonContext.Default.JsonElement, cancellationToken);
        }
        catch (JsonException ex)
        {
            errors.Add(new ErrorDetail("body", ex.Path ?? "$", "The request body is not valid JSON."));
            return default;
        }
    }

    private static int ReadQueryInt(HttpContext context, string name, int fallback, int min, int max, List<ErrorDetail> errors)
    {
        var raw = context.Request.Query[name].ToString();
        if (raw.Length == 0)
        {
            return fallback;
        }
        if (int.TryParse(raw, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) &&
            value >= min && value <= max)
        {
            return value;
        }
        errors.Add(new ErrorDetail("query", name, max == int.MaxValue ? $"{name} must be an integer ≥ {min}" : $"{name} must be an integer from {min} to {max}"));
        return fallback;
    }
}
