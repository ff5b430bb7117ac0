using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenMotoko.Hosting;

namespace OpenMotoko.Settings;

internal static class SettingsApi
{
    /// <summary>The settings the host opened before building (they decide the bind address) and their API's JSON.</summary>
    public static IServiceCollection AddSettings(this IServiceCollection services, SettingsStore settings)
    {
        services.AddSingleton(settings);
        services.AddJsonContext(SettingsJsonContext.Default);
        return services;
    }

    public static RouteGroupBuilder MapSettings(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/settings");
        group.MapGet("/", (SettingsStore settings) => TypedResults.Ok(settings.ToMaskedJson()));
        group.MapPut("/", PutSettings);
        group.MapGet("/budget", (SettingsStore settings) => TypedResults.Ok(settings.Budget));
        group.MapPut("/budget", PutBudget);
        return group;
    }

    private static async Task<Results<Ok<JsonObject>, JsonHttpResult<ApiError>>> PutSettings(
        JsonElement body, SettingsStore settings, CancellationToken cancellationToken)
    {
        var errors = SettingsStore.Validate(body);
        if (errors.Count > 0)
        {
            return ApiErrors.Validation(errors);
        }
        await settings.ApplyAsync(body, cancellationToken);
        return TypedResults.Ok(settings.ToMaskedJson());
    }

    private static async Task<Results<Ok<BudgetSettings>, JsonHttpResult<ApiError>>> PutBudget(
        JsonElement body, SettingsStore settings, CancellationToken cancellationToken)
    {
        if (JsonText.Check(body) is { } unreadable)
        {
            return ApiErrors.Validation([unreadable]);
        }
        var errors = new List<ErrorDetail>();
        var budget = BudgetSettings.Merge(settings.Budget, body, "", errors);
        if (budget is null)
        {
            return ApiErrors.Validation(errors);
        }
        var update = new JsonObject { [SettingsCatalog.Budget] = JsonNode.Parse(budget.ToJson().GetRawText()) };
        await settings.ApplyAsync(JsonSerializer.SerializeToElement(update, SettingsJsonContext.Default.JsonObject), cancellationToken);
        return TypedResults.Ok(settings.Budget);
    }
}
