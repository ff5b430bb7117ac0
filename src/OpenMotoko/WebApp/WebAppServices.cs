namespace OpenMotoko.WebApp;

internal static class WebAppServices
{
    public static IServiceCollection AddWebApp(this IServiceCollection services) => services.AddSingleton<WebAssets>();

    /// <summary>After routing (so routes win), before the access check (the app's files are public).</summary>
    public static IApplicationBuilder UseWebApp(this IApplicationBuilder app) => app.UseMiddleware<WebAppMiddleware>();
}
