using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OpenMotoko.Agent;
using OpenMotoko.Events;
using OpenMotoko.Hosting;

namespace OpenMotoko.Artifacts;

/// <summary>/api/artifacts: the store of versioned artifacts, its routes and the artifacts skill's tools.</summary>
internal static class ArtifactsApi
{
    private static readonly EventScope FromApi = new(null, null, TurnSources.Api);

    public static IServiceCollection AddArtifacts(this IServiceCollection services)
    {
        services.AddSingleton<ArtifactStore>();
        services.AddSingleton<IAgentTool, CreateArtifactTool>();
        services.AddSingleton<IAgentTool, UpdateArtifactTool>();
        services.AddSingleton<IAgentTool, ReadArtifactTool>();
        services.AddSingleton<IAgentTool, ListArtifactsTool>();
        services.AddJsonContext(ArtifactsJsonContext.Default);
        return services;
    }

    public static RouteGroupBuilder MapArtifacts(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/artifacts");
        group.MapGet("/", List).Validated<ArtifactListQuery>();
        group.MapPost("/", Create).Validated<ArtifactBody>();
        group.MapGet("/{id}", Get);
        group.MapPatch("/{id}", Patch).Validated<ArtifactBody>();
        group.MapDelete("/{id}", Delete);
        group.MapGet("/{id}/versions", Versions).Validated<PageQuery>();
        group.MapGet("/{id}/versions/{version}", GetVersion);
        group.MapGet("/{id}/raw", ArtifactRaw.Get);
        return group;
    }

    private static async Task<Ok<ArtifactPage>> List([AsParameters] ArtifactListQuery query, [FromServices] ArtifactStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.ListAsync(query.Conversation, query.Page.Take, query.Page.Skip, cancellationToken));

    private static async Task<Results<Created<Artifact>, JsonHttpResult<ApiError>>> Create(
        ArtifactBody body, [FromServices] ArtifactStore store, HttpResponse response, CancellationToken cancellationToken)
    {
        if (await store.CreateAsync(body.Draft(), body.ConversationId, FromApi, cancellationToken) is not { } artifact)
        {
            return ApiErrors.Validation("conversationId", $"No conversation with id '{body.ConversationId}'.");
        }
        SetETag(response, artifact.Version);
        return TypedResults.Created($"/api/artifacts/{artifact.Id}", artifact);
    }

    private static async Task<Results<Ok<Artifact>, JsonHttpResult<ApiError>>> Get(
        string id, [FromServices] ArtifactStore store, HttpResponse response, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, null, cancellationToken) is not { } artifact)
        {
            return NotFound(id);
        }
        SetETag(response, artifact.Version);
        return TypedResults.Ok(artifact);
    }

    private static async Task<Results<Ok<Artifact>, JsonHttpResult<ApiError>>> Patch(
        string id, ArtifactBody body, [FromServices] ArtifactStore store, HttpRequest request, HttpResponse response, CancellationToken cancellationToken)
    {
        var ifMatch = EntityTags.Parse(request.Headers.IfMatch);
        var result = await store.UpdateAsync(id, body.Changes(), ifMatch, null, FromApi, cancellationToken);
        switch (result.Status)
        {
            case ArtifactWriteStatus.NotFound:
                return NotFound(id);
            case ArtifactWriteStatus.Invalid:
                return ApiErrors.Validation("language", result.Problem!);
            case ArtifactWriteStatus.VersionMismatch:
                SetETag(response, result.Artifact!.Version);
                return ApiErrors.Of(StatusCodes.Status412PreconditionFailed, ErrorCodes.PreconditionFailed,
                    $"The artifact changed: its latest version is {result.Artifact.Version} (ETag \"{result.Artifact.Version}\"). Read it again and send your change with that If-Match.");
        }
        SetETag(response, result.Artifact!.Version);
        return TypedResults.Ok(result.Artifact);
    }

    private static async Task<Results<NoContent, JsonHttpResult<ApiError>>> Delete(string id, [FromServices] ArtifactStore store, CancellationToken cancellationToken) =>
        await store.DeleteAsync(id, FromApi, cancellationToken) ? TypedResults.NoContent() : NotFound(id);

    private static async Task<Results<Ok<ArtifactVersionPage>, JsonHttpResult<ApiError>>> Versions(
        string id, [AsParameters] PageQuery page, [FromServices] ArtifactStore store, CancellationToken cancellationToken) =>
        await store.VersionsAsync(id, page.Take, page.Skip, cancellationToken) is { } versions ? TypedResults.Ok(versions) : NotFound(id);

    private static async Task<Results<Ok<Artifact>, JsonHttpResult<ApiError>>> GetVersion(
        string id, string version, [FromServices] ArtifactStore store, CancellationToken cancellationToken)
    {
        if (!IsInteger(version))
        {
            return ApiErrors.Of(StatusCodes.Status400BadRequest, ErrorCodes.Validation, "version must be a whole number (1 is the first version).",
                [new ErrorDetail("path", "version", "version must be a whole number (1 is the first version)")]);
        }
        // A number too large for a long is past the latest, like any other.
        if (!long.TryParse(version, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) || number <= 0 ||
            await store.GetAsync(id, number, cancellationToken) is not { } artifact)
        {
            return await store.GetAsync(id, null, cancellationToken) is null
                ? NotFound(id)
                : ApiErrors.NotFound($"Artifact '{id}' has no version {version}.");
        }
        return TypedResults.Ok(artifact);
    }

    public static JsonHttpResult<ApiError> NotFound(string id) => ApiErrors.NotFound($"No artifact with id '{id}'.");

    public static void SetETag(HttpResponse response, long version) =>
        response.Headers.ETag = EntityTags.Of(version);

    private static bool IsInteger(string text)
    {
        var digits = text.StartsWith('-') ? text.AsSpan(1) : text.AsSpan();
        return digits.Length > 0 && !digits.ContainsAnyExceptInRange('0', '9');
    }
}

/// <summary>An artifact's ETag is its version in quotes; If-Match is a list of such tags or <c>*</c>, compared strongly.</summary>
internal static class EntityTags
{
    public static string Of(long version) => string.Create(CultureInfo.InvariantCulture, $"\"{version}\"");

    /// <summary>Null when no If-Match was sent; otherwise whether a version matches one of its tags (anything unreadable matches nothing).</summary>
    public static Func<long, bool>? Parse(Microsoft.Extensions.Primitives.StringValues header)
    {
        if (header.Count == 0)
        {
            return null;
        }
        var tags = header.SelectMany(value => (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToArray();
        return version => tags.Any(tag => tag == "*" || tag == Of(version));
    }
}
