using OpenMotoko.Hosting;

namespace OpenMotoko.Auth;

internal static class AuthServices
{
    /// <summary>The owner's password (opened by the host before building), sessions, the login guard and the auth API's JSON.</summary>
    public static IServiceCollection AddAuth(this IServiceCollection services, OwnerPassword password)
    {
        services.AddSingleton(password);
        services.AddSingleton<SessionStore>();
        services.AddSingleton<LoginGuard>();
        services.AddSingleton<RequestRateLimiter>();
        services.AddJsonContext(AuthJsonContext.Default);
        return services;
    }
}
