using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OpenMotoko.Agent;
using OpenMotoko.Hosting;

namespace OpenMotoko.Conversations;

internal static class ConversationsApi
{
    /// <summary>Conversations: their store, JSON contract and routes (messages included).</summary>
    public static IServiceCollection AddConversations(this IServiceCollection services)
    {
        services.AddSingleton<ConversationStore>();
        services.AddJsonContext(ConversationsJsonContext.Default);
        return services;
    }

    public static RouteGroupBuilder MapConversations(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/conversations");
        group.MapGet("/", List).Validated<PageQuery>();
        group.MapPost("/", Create).Validated<ConversationRequest>();
        group.MapGet("/{id}", Get);
        group.MapPatch("/{id}", Patch).Validated<ConversationRequest>();
        group.MapDelete("/{id}", Delete);
        group.MapPost("/{id}/messages", MessagesApi.Post).Validated<MessageRequest>();
        return group;
    }

    private static async Task<Ok<ConversationPage>> List([AsParameters] PageQuery page, [FromServices] ConversationStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.ListAsync(page.Take, page.Skip, cancellationToken));

    private static async Task<Created<Conversation>> Create(ConversationRequest input, [FromServices] ConversationStore store, CancellationToken cancellationToken)
    {
        var conversation = await store.CreateAsync(Blank(input.Title.Value), Blank(input.SystemPrompt.Value), Blank(input.Model.Value), null, cancellationToken);
        return TypedResults.Created($"/api/conversations/{conversation.Id}", conversation);
    }

    private static async Task<Results<Ok<ConversationDetail>, JsonHttpResult<ApiError>>> Get(
        string id, [FromServices] ConversationStore store, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, cancellationToken) is not { } conversation)
        {
            return NotFound(id);
        }
        return TypedResults.Ok(ConversationDetail.Of(conversation, await store.MessagesAsync(id, cancellationToken)));
    }

    private static async Task<Results<Ok<Conversation>, JsonHttpResult<ApiError>>> Patch(
        string id, ConversationRequest input, [FromServices] ConversationStore store, CancellationToken cancellationToken)
    {
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
        string id, [FromServices] ConversationStore store, [FromServices] AgentRuns runs, CancellationToken cancellationToken)
    {
        runs.CancelConversation(id);
        return await store.DeleteAsync(id, cancellationToken) ? TypedResults.NoContent() : NotFound(id);
    }

    public static JsonHttpResult<ApiError> NotFound(string id) => ApiErrors.NotFound($"No conversation with id '{id}'.");

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;
}
