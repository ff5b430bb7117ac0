using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OpenMotoko.Hosting;
using OpenMotoko.Storage;

namespace OpenMotoko.Settings;

internal static class SettingsApi
{
    /// <summary>
    /// The settings the host opened before building (they decide the bind address), their API's JSON, and the
    /// database watcher that reloads them when another process (e.g. `openmotoko config set`) changes them.
    /// </summary>
    public static IServiceCollection AddSettings(this IServiceCollection services, SettingsStore settings)
    {
        services.AddSingleton(settings);
        services.AddSingleton<DataVersionWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<DataVersionWatcher>());
        services.AddHostedService<SettingsReloader>();
        services.AddJsonContext(SettingsJsonContext.Default);
        return services;
    }

    public static RouteGroupBuilder MapSettings(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/settings");
        group.MapGet("/", ([FromServices] SettingsStore settings) => TypedResults.Ok(settings.ToMaskedJson()));
        group.MapPut("/", PutSettings).Validated<SettingsUpdate>();
        group.MapGet("/budget", ([FromServices] SettingsStore settings) => TypedResults.Ok(settings.Budget));
        group.MapPut("/budget", PutBudget).Validated<BudgetUpdate>();
        return group;
    }

    private static async Task<Ok<JsonObject>> PutSettings(SettingsUpdate update, [FromServices] SettingsStore settings, CancellationToken cancellationToken)
    {
        await settings.ApplyAsync(update.Body, cancellationToken);
        return TypedResults.Ok(settings.ToMaskedJson());
    }

    private static async Task<Ok<BudgetSettings>> PutBudget(BudgetUpdate update, [FromServices] SettingsStore settings, CancellationToken cancellationToken)
    {
        var merged = new JsonObject { [SettingsCatalog.Budget] = JsonNode.Parse(update.Merged!.ToJson().GetRawText()) };
        await settings.ApplyAsync(JsonSerializer.SerializeToElement(merged, SettingsJsonContext.Default.JsonObject), cancellationToken);
        return TypedResults.Ok(settings.Budget);
    }
}

/// <summary>The body of PUT /api/settings: known keys with values of the right type (the catalog's own checks).</summary>
internal sealed record SettingsUpdate(JsonElement Body) : IValidatable
{
    public static async ValueTask<SettingsUpdate?> BindAsync(HttpContext context) => new(await JsonBody.ReadAsync(context, required: true));

    public void Validate(List<ErrorDetail> errors) => errors.AddRange(SettingsStore.Validate(Body));
}

/// <summary>The body of PUT /api/settings/budget, merged over the current budget (absent fields keep their value).</summary>
internal sealed record BudgetUpdate(BudgetSettings? Merged, IReadOnlyList<ErrorDetail> Problems) : IValidatable
{
    public static async ValueTask<BudgetUpdate?> BindAsync(HttpContext context)
    {
        var body = await JsonBody.ReadAsync(context, required: true);
        var problems = new List<ErrorDetail>();
        var merged = BudgetSettings.Merge(context.RequestServices.GetRequiredService<SettingsStore>().Budget, body, "", problems);
        return new BudgetUpdate(merged, problems);
    }

    public void Validate(List<ErrorDetail> errors) => errors.AddRange(Problems);
}
