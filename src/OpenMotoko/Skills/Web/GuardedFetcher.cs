using System.Net;
using System.Net.Sockets;
using OpenMotoko.Settings;

namespace OpenMotoko.Skills.Web;

/// <summary>A fetched response body (possibly cut at the size limit), after redirects.</summary>
internal sealed record FetchedPage(Uri Url, int Status, string? MediaType, string? Charset, byte[] Body, bool Truncated);

/// <summary>Why a fetch was refused or failed, in words for the model.</summary>
internal sealed class FetchRefusedException(string message) : Exception(message);

/// <summary>
/// HTTP GET with an SSRF guard: http/https only, the host resolved once and vetted by
/// <see cref="AddressPolicy"/>, the socket connected to exactly that vetted address, every redirect
/// hop checked again, a size cap and a total time limit on the DI clock.
/// </summary>
internal sealed class GuardedFetcher : IDisposable
{
    public const int MaxRedirects = 5;
    public static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(20);
    private static readonly HttpRequestOptionsKey<IPAddress[]> PinnedAddresses = new("openmotoko.pinnedAddress");

    private readonly HttpClient _client;
    private readonly SettingsStore _settings;
    private readonly TimeProvider _time;

    public GuardedFetcher(SettingsStore settings, TimeProvider time)
    {
        _settings = settings;
        _time = time;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false, // a proxy would resolve the name itself and defeat the pinning
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.All,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectCallback = ConnectPinnedAsync,
        };
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd($"OpenMotoko/{Hosting.BuildInfo.Version}");
        _client.DefaultRequestHeaders.Accept.ParseAdd("text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5");
    }

    public async Task<FetchedPage> FetchAsync(Uri url, int maxBytes, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(TotalTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var policy = new AddressPolicy(AllowList());
        try
        {
            for (var hop = 0; ; hop++)
            {
                var addresses = await VetAsync(url, policy, linked.Token);
                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                request.Options.Set(PinnedAddresses, addresses);
                using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
                if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
                {
                    if (hop >= MaxRedirects)
                    {
                        throw new FetchRefusedException($"More than {MaxRedirects} redirects; stopped at {url}.");
                    }
                    url = new Uri(url, location);
                    continue;
                }
                var (body, truncated) = await ReadCappedAsync(response.Content, maxBytes, linked.Token);
                var type = response.Content.Headers.ContentType;
                return new FetchedPage(url, (int)response.StatusCode, type?.MediaType, type?.CharSet, body, truncated);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new FetchRefusedException($"Fetching {url} took longer than {TotalTimeout.TotalSeconds:0} seconds and was stopped.");
        }
        catch (HttpRequestException ex)
        {
            throw new FetchRefusedException($"Fetching {url} failed: {ex.Message}");
        }
    }

    /// <summary>Checks the scheme and resolves the host once; returns the vetted addresses the connection may use.</summary>
    private static async Task<IPAddress[]> VetAsync(Uri url, AddressPolicy policy, CancellationToken cancellationToken)
    {
        if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
        {
            throw new FetchRefusedException($"Only http and https URLs can be fetched, not '{url.Scheme}:'.");
        }
        var host = url.IdnHost;
        IPAddress[] addresses;
        if (IPAddress.TryParse(host, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(host, cancellationToken);
            }
            catch (SocketException ex)
            {
                throw new FetchRefusedException($"The host {host} could not be resolved: {ex.Message}");
            }
        }
        if (addresses.Length == 0)
        {
            throw new FetchRefusedException($"The host {host} has no addresses.");
        }
        if (!policy.IsHostAllowed(host) && addresses.FirstOrDefault(a => !policy.IsAddressAllowed(a)) is { } refused)
        {
            throw new FetchRefusedException(
                $"Refused to fetch {url.GetLeftPart(UriPartial.Authority)}: it resolves to {refused}, a loopback, private, link-local or otherwise " +
                $"non-public address. The owner can allow it with the setting {SettingsCatalog.WebAllowHosts}.");
        }
        return [.. addresses.Select(AddressPolicy.Normalize)];
    }

    /// <summary>Connects to the addresses vetted for this request, in order; never resolves the name again.</summary>
    private static async ValueTask<Stream> ConnectPinnedAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        if (!context.InitialRequestMessage.Options.TryGetValue(PinnedAddresses, out var addresses) || addresses.Length == 0)
        {
            throw new HttpRequestException("Refused an unvetted connection.");
        }
        for (var i = 0; ; i++)
        {
            var socket = new Socket(addresses[i].AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(addresses[i], context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException) when (i < addresses.Length - 1)
            {
                socket.Dispose(); // try the next vetted address
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }

    private static async Task<(byte[] Body, bool Truncated)> ReadCappedAsync(HttpContent content, int maxBytes, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[maxBytes + 1];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                break;
            }
            read += n;
        }
        return read > maxBytes ? (buffer[..maxBytes], true) : (buffer[..read], false);
    }

    private List<string> AllowList()
    {
        var list = new List<string>();
        if (_settings.Get(SettingsCatalog.WebAllowHosts) is { ValueKind: System.Text.Json.JsonValueKind.Array } array)
        {
            list.AddRange(array.EnumerateArray().Select(item => item.GetString() ?? ""));
        }
        return list;
    }

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    public void Dispose() => _client.Dispose();
}
