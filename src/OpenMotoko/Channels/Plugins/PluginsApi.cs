using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OpenMotoko.Hosting;

namespace OpenMotoko.Channels.Plugins;

internal static class PluginsApi
{
    /// <summary>Channel plugins: installed executables that speak JSON lines and run as channels of the chat framework.</summary>
    public static IServiceCollection AddChannelPlugins(this IServiceCollection services)
    {
        services.AddSingleton<PluginStore>();
        services.AddSingleton<PluginRunner>();
        services.AddSingleton<PluginInstaller>();
        services.AddJsonContext(PluginsJsonContext.Default);
        return services;
    }

    public static RouteGroupBuilder MapChannelPlugins(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/channel-plugins");
        group.MapGet("/", List);
        group.MapPost("/install", Install).Validated<PluginInstallRequest>();
        group.MapGet("/{id}", Get);
        group.MapDelete("/{id}", Remove);
        return group;
    }

    private static Ok<PluginView[]> List([FromServices] PluginStore plugins, [FromServices] ChannelStates states) =>
        TypedResults.Ok(plugins.All.Select(p => PluginView.From(p, states.Of(p.Id))).ToArray());

    private static Results<Ok<PluginView>, JsonHttpResult<ApiError>> Get(string id, [FromServices] PluginStore plugins, [FromServices] ChannelStates states) =>
        plugins.Get(id) is { } plugin ? TypedResults.Ok(PluginView.From(plugin, states.Of(id))) : NotFound(id);

    private static async Task<Created<PluginView>> Install(PluginInstallRequest input, [FromServices] PluginInstaller installer, [FromServices] ChannelCatalog catalog,
        [FromServices] ChannelSupervisor supervisor, [FromServices] ChannelStates states, CancellationToken cancellationToken)
    {
        var plugin = await installer.InstallAsync(input, catalog.Knows, cancellationToken);
        await supervisor.RestartAsync(plugin.Id, cancellationToken);
        return TypedResults.Created($"/api/channel-plugins/{plugin.Id}", PluginView.From(plugin, states.Of(plugin.Id)));
    }

    private static async Task<Results<NoContent, JsonHttpResult<ApiError>>> Remove(string id, [FromServices] PluginStore plugins, [FromServices] PluginRunner runner,
        [FromServices] ChannelSupervisor supervisor, [FromServices] ILogger<PluginRunner> logger, CancellationToken cancellationToken)
    {
        if (plugins.Get(id) is null)
        {
            return NotFound(id);
        }
        await plugins.RemoveAsync(id, cancellationToken);
        await supervisor.RestartAsync(id, cancellationToken); // no longer known: stops it and leaves it stopped
        var home = runner.Home(id);
        if (Directory.Exists(home))
        {
            Directory.Delete(home, recursive: true); // an npm install lives here; a local path is only used in place, never deleted
        }
        PluginsLog.Removed(logger, id);
        return TypedResults.NoContent();
    }

    private static JsonHttpResult<ApiError> NotFound(string id) => ApiErrors.NotFound($"No channel plugin '{id}'. GET /api/channel-plugins lists them.");
}
