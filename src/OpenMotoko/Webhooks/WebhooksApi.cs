using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OpenMotoko.Conversations;
using OpenMotoko.Hosting;
using OpenMotoko.Webhooks.Gmail;

namespace OpenMotoko.Webhooks;

internal static class WebhooksApi
{
    /// <summary>Webhooks and the Gmail push: their stores, JSON contracts, the Gmail worker and client.</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddSingleton<WebhookStore>();
        services.AddSingleton<WebhookTurns>();
        services.AddJsonContext(WebhooksJsonContext.Default);
        services.AddGmailPush();
        return services;
    }

    public static RouteGroupBuilder MapWebhooks(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/webhooks");
        group.MapGet("/", List).Validated<PageQuery>();
        group.MapPost("/", Create).Validated<WebhookRequest>();
        group.MapGet("/{id}", Get);
        group.MapDelete("/{id}", Delete);
        group.MapPost("/{id}/toggle", Toggle);
        group.MapPost("/{id}/rotate-secret", RotateSecret);
        // The callers are other services (GitHub, Home Assistant, Pub/Sub): no session, their own proof and limits.
        group.MapPost("/{id}/trigger", WebhookTrigger.Trigger).Public();
        group.MapPost("/gmail", GmailPushApi.Push).Public();
        return group;
    }

    private static async Task<Ok<WebhookPage>> List([AsParameters] PageQuery page, HttpContext context, [FromServices] WebhookStore store, CancellationToken cancellationToken)
    {
        var (items, total) = await store.ListAsync(page.Take, page.Skip, cancellationToken);
        return TypedResults.Ok(new WebhookPage([.. items.Select(w => w.View(TriggerUrl(context, w.Id)))], total));
    }

    private static async Task<Results<Created<WebhookWithSecret>, JsonHttpResult<ApiError>>> Create(
        WebhookRequest input, HttpContext context, [FromServices] WebhookStore store, [FromServices] ConversationStore conversations, CancellationToken cancellationToken)
    {
        if (input.TargetConversationId is { } target && await conversations.GetAsync(target, cancellationToken) is null)
        {
            return ApiErrors.Validation("targetConversationId", $"No conversation with id '{target}': create it first, or leave the field out for a new conversation per trigger.");
        }
        var webhook = await store.CreateAsync(input.Name, input.Prompt, input.TargetConversationId, input.Model, input.Enabled, input.DeliverTo, cancellationToken);
        return TypedResults.Created($"/api/webhooks/{webhook.Id}", webhook.WithSecret(TriggerUrl(context, webhook.Id)));
    }

    private static async Task<Results<Ok<WebhookView>, JsonHttpResult<ApiError>>> Get(
        string id, HttpContext context, [FromServices] WebhookStore store, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken) is { } webhook ? TypedResults.Ok(webhook.View(TriggerUrl(context, id))) : NotFound(id);

    private static async Task<Results<NoContent, JsonHttpResult<ApiError>>> Delete(string id, [FromServices] WebhookStore store, CancellationToken cancellationToken) =>
        await store.DeleteAsync(id, cancellationToken) ? TypedResults.NoContent() : NotFound(id);

    private static async Task<Results<Ok<WebhookView>, JsonHttpResult<ApiError>>> Toggle(
        string id, HttpContext context, [FromServices] WebhookStore store, CancellationToken cancellationToken) =>
        await store.ToggleAsync(id, cancellationToken) is { } webhook ? TypedResults.Ok(webhook.View(TriggerUrl(context, id))) : NotFound(id);

    private static async Task<Results<Ok<WebhookWithSecret>, JsonHttpResult<ApiError>>> RotateSecret(
        string id, HttpContext context, [FromServices] WebhookStore store, CancellationToken cancellationToken) =>
        await store.RotateSecretAsync(id, cancellationToken) is { } webhook ? TypedResults.Ok(webhook.WithSecret(TriggerUrl(context, id))) : NotFound(id);

    /// <summary>The URL callers post to, as this request reached the daemon (behind a trusted proxy: its scheme and host).</summary>
    private static string TriggerUrl(HttpContext context, string id) => $"{context.Request.Scheme}://{context.Request.Host}/api/webhooks/{id}/trigger";

    private static JsonHttpResult<ApiError> NotFound(string id) => ApiErrors.NotFound($"No webhook with id '{id}'.");
}
