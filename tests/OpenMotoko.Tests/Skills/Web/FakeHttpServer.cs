using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace OpenMotoko.Tests.Skills.Web;

/// <summary>A real HTTP server on a loopback port, standing in for a web site, search API or registry.</summary>
internal sealed class FakeHttpServer : IAsyncDisposable
{
    private WebApplication? _app;

    private FakeHttpServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>http://127.0.0.1:port/ (or another loopback address).</summary>
    public Uri BaseAddress { get; }

    public int Port => BaseAddress.Port;

    public static async Task<FakeHttpServer> StartAsync(Action<WebApplication> map, string address = "127.0.0.1")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Parse(address), 0));
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        return new FakeHttpServer(app, new Uri(app.Urls.First().TrimEnd('/') + "/"));
    }

    /// <summary>Stops listening now (the port refuses connections afterwards).</summary>
    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
