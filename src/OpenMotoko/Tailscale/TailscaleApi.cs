using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OpenMotoko.Hosting;

namespace OpenMotoko.Tailscale;

/// <summary>This machine's Tailscale: status, the tailnet's nodes, and `tailscale serve` for the daemon's port (HTTPS on the tailnet).</summary>
internal static class TailscaleApi
{
    private static readonly ServeState NotServing = new(false, null, null);

    public static IServiceCollection AddTailscale(this IServiceCollection services)
    {
        services.AddSingleton<TailscaleCli>();
        services.AddJsonContext(TailscaleJsonContext.Default);
        return services;
    }

    public static RouteGroupBuilder MapTailscale(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/tailscale");
        group.MapGet("/status", GetStatus);
        group.MapGet("/nodes", GetNodes);
        group.MapPost("/serve/start", StartServe);
        group.MapPost("/serve/stop", StopServe);
        return group;
    }

    /// <summary>Always answers: a missing CLI is installed=false, a stopped or logged-out one running=false.</summary>
    private static async Task<Ok<TailscaleStatus>> GetStatus([FromServices] TailscaleCli cli, CancellationToken cancellationToken)
    {
        if (cli.Path is null)
        {
            return TypedResults.Ok(new TailscaleStatus(false, false, null, null, null, null, null, null, false, NotServing, null));
        }
        var outcome = await cli.RunAsync(["status", "--json"], cancellationToken);
        if (Parse(outcome.Output) is not { } root)
        {
            return TypedResults.Ok(new TailscaleStatus(true, false, null, null, null, null, null, null, false, NotServing, null));
        }
        using (root)
        {
            var status = TailscaleStatusReader.Status(root.RootElement, NotServing);
            if (!status.Running)
            {
                return TypedResults.Ok(status);
            }
            var serve = await cli.RunAsync(["serve", "status", "--json"], cancellationToken);
            using var serveJson = Parse(serve.Output);
            return TypedResults.Ok(status with { Serve = serveJson is null ? NotServing : TailscaleStatusReader.Serve(serveJson.RootElement, status.DnsName) });
        }
    }

    private static async Task<Ok<List<TailscaleNode>>> GetNodes([FromServices] TailscaleCli cli, CancellationToken cancellationToken)
    {
        using var status = await RunningStatusAsync(cli, cancellationToken);
        return TypedResults.Ok(TailscaleStatusReader.Nodes(status.RootElement));
    }

    /// <summary>`tailscale serve --bg PORT`: the tailnet reaches the daemon at https://NODE.TAILNET.ts.net/ (Tailscale's certificate).</summary>
    private static async Task<Ok<ServeStarted>> StartServe([FromServices] TailscaleCli cli, [FromServices] IServer server, CancellationToken cancellationToken)
    {
        using var status = await RunningStatusAsync(cli, cancellationToken);
        var port = server.Features.Get<IServerAddressesFeature>()?.Addresses.Select(a => new Uri(a).Port).FirstOrDefault()
            ?? throw TailscaleCli.Unavailable("The daemon is not listening yet.");
        var outcome = await cli.RunAsync(["serve", "--bg", port.ToString(CultureInfo.InvariantCulture)], cancellationToken);
        Check(outcome, "serve --bg");
        var dnsName = status.RootElement.TryGetProperty("Self", out var self) ? TailscaleStatusReader.DnsName(self) : null;
        return TypedResults.Ok(new ServeStarted(
            dnsName is null ? FirstUrl(outcome.Output) ?? throw TailscaleCli.Unavailable("Tailscale started serving but did not say the node's name.") : TailscaleStatusReader.Url(dnsName, 443),
            443));
    }

    private static async Task<Ok<ServeStopped>> StopServe([FromServices] TailscaleCli cli, CancellationToken cancellationToken)
    {
        using var _ = await RunningStatusAsync(cli, cancellationToken);
        Check(await cli.RunAsync(["serve", "--https=443", "off"], cancellationToken), "serve --https=443 off");
        return TypedResults.Ok(new ServeStopped(true));
    }

    /// <summary>`tailscale status --json` of a node that is logged in and up; a 503 naming the command to run otherwise.</summary>
    private static async Task<JsonDocument> RunningStatusAsync([FromServices] TailscaleCli cli, CancellationToken cancellationToken)
    {
        var outcome = await cli.RunAsync(["status", "--json"], cancellationToken);
        var root = Parse(outcome.Output)
            ?? throw TailscaleCli.Unavailable($"Tailscale is installed but tailscaled does not answer ({FirstLine(outcome.Error)}): run 'sudo systemctl start tailscaled', then 'sudo tailscale up'.");
        var backend = root.RootElement.TryGetProperty("BackendState", out var state) && state.ValueKind == JsonValueKind.String ? state.GetString() : null;
        if (backend != "Running")
        {
            root.Dispose();
            throw TailscaleCli.Unavailable(backend is "NeedsLogin" or "NeedsMachineAuth" or "NoState"
                ? $"This machine is not logged in to Tailscale ({backend}): run 'sudo tailscale up'."
                : $"Tailscale is not running ({backend ?? "unknown state"}): run 'sudo tailscale up'.");
        }
        return root;
    }

    private static void Check(CliOutcome outcome, string command)
    {
        if (outcome.ExitCode != 0)
        {
            // Tailscale says what to do itself (e.g. enable HTTPS certificates or Serve for the tailnet, with the admin URL).
            throw TailscaleCli.Unavailable($"'tailscale {command}' failed: {FirstLine(outcome.Error + "\n" + outcome.Output)}");
        }
    }

    private static JsonDocument? Parse(string text)
    {
        try
        {
            return text.TrimStart().StartsWith('{') ? JsonDocument.Parse(text) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "no output";

    private static string? FirstUrl(string text) =>
        text.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(w => w.StartsWith("https://", StringComparison.Ordinal));
}
