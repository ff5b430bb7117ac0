using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OpenMotoko.Hosting;

namespace OpenMotoko.Channels;

internal static class ChannelsApi
{
    /// <summary>Chat channels: settings, senders and pairing, the chat framework and the supervisor that runs each channel.</summary>
    public static IServiceCollection AddChannels(this IServiceCollection services)
    {
        services.AddSingleton<ChannelStore>();
        services.AddSingleton<SenderStore>();
        services.AddSingleton<ChannelCatalog>();
        services.AddSingleton<ChannelStates>();
        services.AddSingleton<ChatAccess>();
        services.AddSingleton<ChatTurns>();
        services.AddSingleton<ChatCommands>();
        services.AddSingleton<ChatInbox>();
        services.AddSingleton<ChannelSupervisor>();
        services.AddSingleton<ChannelDelivery>();
        services.AddHostedService(static sp => sp.GetRequiredService<ChannelSupervisor>());
        services.AddSingleton<PairingNotices>();
        services.AddHostedService(static sp => sp.GetRequiredService<PairingNotices>());
        services.AddHttpClient(ChannelSupervisor.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan); // the poller's watchdog times out
        services.AddJsonContext(ChannelsJsonContext.Default);
        return services;
    }

    public static RouteGroupBuilder MapChannels(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/channels");
        group.MapGet("/", List);
        group.MapPut("/{id}", Put).Validated<ChannelPutRequest>();
        group.MapGet("/{id}/senders", Senders);
        group.MapDelete("/{id}/senders/{senderId}", RemoveSender);
        group.MapPost("/{id}/pairing/{code}/approve", Approve);
        // Telegram's push in webhook mode: no session, its own secret header (checked in constant time).
        group.MapPost("/{id}/webhook", Telegram.TelegramWebhookApi.Receive).Public();
        return group;
    }

    private static async Task<Ok<ChannelView[]>> List([FromServices] ChannelCatalog catalog, [FromServices] ChannelStates states, CancellationToken cancellationToken)
    {
        var views = new List<ChannelView>();
        foreach (var id in catalog.Ids)
        {
            views.Add(View((await catalog.GetAsync(id, cancellationToken))!, states));
        }
        return TypedResults.Ok(views.ToArray());
    }

    private static async Task<Results<Ok<ChannelView>, JsonHttpResult<ApiError>>> Put(string id, ChannelPutRequest input, [FromServices] ChannelCatalog catalog,
        [FromServices] ChannelSupervisor supervisor, [FromServices] ChannelStates states, CancellationToken cancellationToken)
    {
        if (await catalog.GetAsync(id, cancellationToken) is not { } current)
        {
            return NotFound(id);
        }
        await catalog.UpdateAsync(current, input.Update, cancellationToken);
        await supervisor.RestartAsync(id, cancellationToken);
        return TypedResults.Ok(View((await catalog.GetAsync(id, cancellationToken))!, states));
    }

    private static async Task<Results<Ok<IReadOnlyList<SenderView>>, JsonHttpResult<ApiError>>> Senders(string id, [FromServices] ChannelCatalog catalog,
        [FromServices] SenderStore senders, CancellationToken cancellationToken) =>
        catalog.Knows(id) ? TypedResults.Ok(await senders.ListAsync(id, cancellationToken)) : NotFound(id);

    private static async Task<Results<NoContent, JsonHttpResult<ApiError>>> RemoveSender(string id, string senderId, [FromServices] ChannelCatalog catalog,
        [FromServices] SenderStore senders, CancellationToken cancellationToken)
    {
        if (!catalog.Knows(id))
        {
            return NotFound(id);
        }
        return await senders.RemoveAsync(id, senderId, cancellationToken) ? TypedResults.NoContent()
            : ApiErrors.NotFound($"Channel '{id}' has no sender '{senderId}'.");
    }

    private static async Task<Results<Ok<PairingApproved>, JsonHttpResult<ApiError>>> Approve(string id, string code, [FromServices] ChannelCatalog catalog,
        [FromServices] SenderStore senders, [FromServices] PairingNotices notices, CancellationToken cancellationToken)
    {
        if (!catalog.Knows(id))
        {
            return NotFound(id);
        }
        if (await senders.ApproveAsync(id, code, cancellationToken) is not { } approved)
        {
            return ApiErrors.NotFound($"No pending pairing code '{code}' on channel '{id}': it was never issued, was already used, or expired (codes last 1 hour).");
        }
        await notices.AnnounceAsync(CancellationToken.None); // the same once-only notice as an approval from the command line
        return TypedResults.Ok(new PairingApproved(approved.ChannelId, approved.SenderId, approved.Name));
    }

    private static ChannelView View(ChannelSettings settings, ChannelStates states)
    {
        var state = states.Of(settings.Id);
        return new ChannelView(settings.Id, settings.Type, settings.Name, settings.Enabled, state.Status, state.LastError, state.LastMessageAt,
            settings.DmPolicy, ChannelCatalog.Masked(settings));
    }

    private static JsonHttpResult<ApiError> NotFound(string id) => ApiErrors.NotFound($"No channel '{id}'. GET /api/channels lists them.");
}
