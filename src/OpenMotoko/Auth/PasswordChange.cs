using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OpenMotoko.Hosting;

namespace OpenMotoko.Auth;

/// <summary>The body of POST /api/auth/password: {current, new}; the new one must pass the rule of `openmotoko passwd`.</summary>
internal sealed record PasswordChangeRequest(string? Current, string? New, IReadOnlyList<ErrorDetail> Problems) : IValidatable
{
    public static async ValueTask<PasswordChangeRequest?> BindAsync(HttpContext context)
    {
        var body = await JsonBody.ReadAsync(context, required: true);
        var problems = new List<ErrorDetail>();
        if (body.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new ErrorDetail("body", "$", "must be a JSON object {current, new}"));
            return new PasswordChangeRequest(null, null, problems);
        }
        foreach (var property in body.EnumerateObject())
        {
            if (property.Name is not ("current" or "new"))
            {
                problems.Add(new ErrorDetail("body", property.Name, $"'{property.Name}' is not a field here; send current and new"));
            }
        }
        var current = Text(body, "current", "current is required: the password you sign in with now", problems);
        var next = Text(body, "new", "new is required", problems);
        if (next is not null && OwnerPassword.Problem(next) is { } problem)
        {
            problems.Add(new ErrorDetail("body", "new", problem));
        }
        return new PasswordChangeRequest(current, next, problems);
    }

    public void Validate(List<ErrorDetail> errors) => errors.AddRange(Problems);

    private static string? Text(JsonElement body, string name, string missing, List<ErrorDetail> problems)
    {
        if (body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text)
        {
            return text;
        }
        problems.Add(new ErrorDetail("body", name, missing));
        return null;
    }
}

/// <summary>
/// POST /api/auth/password: the signed-in owner changes the stored password. The current one is
/// checked by the login's code and counted by its guard (a wrong one is a failed login); on success
/// every other session ends and the caller's stays. A password from OPENMOTOKO_PASSWORD cannot change here.
/// </summary>
internal static class PasswordChange
{
    public static async Task<Results<Ok<OkResponse>, JsonHttpResult<ApiError>>> ChangeAsync(
        PasswordChangeRequest request, HttpContext context, [FromServices] OwnerPassword password, [FromServices] LoginGuard guard, [FromServices] ILogger<LoginGuard> logger)
    {
        var cancellationToken = context.RequestAborted;
        if (password.IsFromEnvironment)
        {
            return ApiErrors.Of(StatusCodes.Status409Conflict, ErrorCodes.Conflict,
                "The password comes from OPENMOTOKO_PASSWORD and cannot be changed while the daemon runs: change the variable and restart, or unset it and run 'openmotoko passwd'.");
        }
        await password.ReloadAsync(cancellationToken);
        if (!password.IsConfigured)
        {
            return ApiErrors.Of(StatusCodes.Status409Conflict, ErrorCodes.Conflict,
                "No password is set yet: set the first one with 'openmotoko passwd' on the daemon's machine.");
        }
        var client = AccessControlMiddleware.ClientKey(context);
        // Counted before it is checked, as a login is, so a stolen session cannot guess the password faster than a stranger.
        var (refused, lockedNow) = await guard.ReserveAsync(client, cancellationToken);
        if (refused is { } lockOut)
        {
            return AuthApi.Locked(context, lockOut);
        }
        if (!password.Verify(request.Current!))
        {
            AuthLog.PasswordChangeRefused(logger, client, lockedNow is not null);
            return lockedNow is { } started ? AuthApi.Locked(context, started)
                : ApiErrors.Validation("current", "current is not the password you sign in with");
        }
        await guard.SucceededAsync(client, cancellationToken);
        await password.SetAsync(request.New!, keepSession: context.Features.Get<Session>()!.TokenHash, cancellationToken);
        AuthLog.PasswordChanged(logger, client);
        return TypedResults.Ok(new OkResponse(true));
    }
}
