using System.Text.Json;
using System.Text.Json.Serialization;
using OpenMotoko.Hosting;

namespace OpenMotoko.Auth;

internal sealed record LoginRequest(string? Password)
{
    public static async ValueTask<LoginRequest?> BindAsync(HttpContext context) =>
        await JsonBody.ReadAsync(context, AuthJsonContext.Default.LoginRequest);
}

internal sealed record LoginResponse(bool Ok, string Token, long ExpiresAt);

internal sealed record OkResponse(bool Ok);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(LoginResponse))]
[JsonSerializable(typeof(OkResponse))]
internal sealed partial class AuthJsonContext : JsonSerializerContext;
