using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OpenMotoko.Hosting;

namespace OpenMotoko.Registry;

/// <summary>/api/registry: search the cached index, install, uninstall and rate registry skills.</summary>
internal static class RegistryApi
{
    public static RouteGroupBuilder MapRegistry(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/registry");
        group.MapGet("/search", Search);
        group.MapGet("/entries", Search);
        group.MapPost("/refresh", Refresh);
        group.MapPost("/install", Install);
        group.MapDelete("/uninstall/{id}", Uninstall);
        group.MapPost("/rate", Rate);
        group.MapGet("/{id}", Detail);
        return group;
    }

    private static async Task<Results<Ok<RegistrySearchResponse>, JsonHttpResult<ApiError>>> Search(
        HttpRequest request, [FromServices] RegistryIndexCache index, [FromServices] RegistryStore store, CancellationToken cancellationToken)
    {
        var errors = RegistryQuery.Parse(request.Query, out var query);
        if (errors.Count > 0)
        {
            return ApiErrors.Validation(errors);
        }
        return await Guard(async () =>
        {
            var snapshot = await index.GetAsync(forceRefresh: false, cancellationToken);
            var installed = await InstalledVersions(store, cancellationToken);
            var matches = query.Apply(snapshot.Entries);
            var page = matches.Skip(query.Offset).Take(query.Limit).Select(e => RegistryEntryView.Of(e, installed.GetValueOrDefault(e.Id))).ToList();
            return new RegistrySearchResponse(page, matches.Count, snapshot.FetchedAt, snapshot.Stale);
        });
    }

    private static Task<Results<Ok<RegistryRefreshResponse>, JsonHttpResult<ApiError>>> Refresh([FromServices] RegistryIndexCache index, CancellationToken cancellationToken) =>
        Guard(async () =>
        {
            var snapshot = await index.GetAsync(forceRefresh: true, cancellationToken);
            return new RegistryRefreshResponse(snapshot.Entries.Count, snapshot.FetchedAt);
        });

    private static async Task<Results<Ok<RegistryEntryView>, JsonHttpResult<ApiError>>> Detail(
        string id, [FromServices] RegistryIndexCache index, [FromServices] RegistryStore store, CancellationToken cancellationToken) =>
        await Guard(async () =>
        {
            var snapshot = await index.GetAsync(forceRefresh: false, cancellationToken);
            var installed = await store.FindInstalledAsync(id, cancellationToken);
            var entry = snapshot.Entries.FirstOrDefault(e => e.Id == id)
                ?? throw new RegistryException(StatusCodes.Status404NotFound, ErrorCodes.NotFound, $"The registry has no skill '{id}'.");
            return RegistryEntryView.Of(entry, installed?.Version);
        });

    private static async Task<Results<Created<RegistryInstallResponse>, JsonHttpResult<ApiError>>> Install(
        RegistryInstallRequest body, [FromServices] RegistryInstaller installer, CancellationToken cancellationToken)
    {
        if (RegistryInstaller.CheckId(body.Id) is { } problem)
        {
            return ApiErrors.Validation("id", problem);
        }
        try
        {
            var result = await installer.InstallAsync(body.Id!, cancellationToken);
            return TypedResults.Created($"/api/registry/{result.Id}", result);
        }
        catch (RegistryException ex)
        {
            return ApiErrors.Of(ex.Status, ex.Code, ex.Message);
        }
    }

    private static async Task<Results<Ok<RegistryUninstallResponse>, JsonHttpResult<ApiError>>> Uninstall(
        string id, [FromServices] RegistryInstaller installer, CancellationToken cancellationToken)
    {
        if (!RegistrySlug.IsValid(id))
        {
            return ApiErrors.Validation([new ErrorDetail("path", "id", "id must be 1 to 64 lowercase letters, digits and single hyphens")]);
        }
        return await Guard(() => installer.UninstallAsync(id, cancellationToken));
    }

    private static async Task<Results<Ok<RegistryRateResponse>, JsonHttpResult<ApiError>>> Rate(
        RegistryRateRequest body, [FromServices] RegistryClient client, CancellationToken cancellationToken)
    {
        var errors = new List<ErrorDetail>();
        if (body.SkillId is null || !RegistrySlug.IsValid(body.SkillId))
        {
            errors.Add(new ErrorDetail("body", "skillId", "skillId must be a registry skill id"));
        }
        if (body.Stars.ValueKind != JsonValueKind.Number || !body.Stars.TryGetInt32(out var stars) || stars is < 1 or > 5)
        {
            stars = 0;
            errors.Add(new ErrorDetail("body", "stars", "stars must be a whole number from 1 to 5"));
        }
        if (body.Comment is { Length: > 2000 })
        {
            errors.Add(new ErrorDetail("body", "comment", "comment must be at most 2000 characters"));
        }
        if (errors.Count > 0)
        {
            return ApiErrors.Validation(errors);
        }
        return await Guard(async () =>
        {
            await client.RateAsync(client.BaseUrl, new RatingSubmission(body.SkillId!, stars, body.Comment), cancellationToken);
            return new RegistryRateResponse(true);
        });
    }

    private static async Task<Dictionary<string, string>> InstalledVersions([FromServices] RegistryStore store, CancellationToken cancellationToken) =>
        (await store.ListInstalledAsync(cancellationToken)).ToDictionary(r => r.Id, r => r.Version, StringComparer.Ordinal);

    /// <summary>Runs a registry operation and turns its <see cref="RegistryException"/> into the error envelope.</summary>
    private static async Task<Results<Ok<T>, JsonHttpResult<ApiError>>> Guard<T>(Func<Task<T>> operation)
    {
        try
        {
            return TypedResults.Ok(await operation());
        }
        catch (RegistryException ex)
        {
            return ApiErrors.Of(ex.Status, ex.Code, ex.Message);
        }
    }
}
