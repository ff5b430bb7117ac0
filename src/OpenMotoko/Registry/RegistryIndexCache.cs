namespace OpenMotoko.Registry;

/// <summary>The index as last fetched: when, and whether it is older than the TTL because the registry could not be reached.</summary>
internal sealed record IndexSnapshot(IReadOnlyList<RegistryEntry> Entries, long FetchedAt, bool Stale);

/// <summary>
/// Serves the registry index from SQLite, re-downloading it when it is older than <see cref="Ttl"/>
/// (or fetched from another registry.url). When the registry cannot be reached, the cached copy is
/// served marked stale, so search keeps working offline.
/// </summary>
internal sealed class RegistryIndexCache(RegistryClient client, RegistryStore store, TimeProvider time, ILogger<RegistryIndexCache> logger) : IDisposable
{
    public static readonly TimeSpan Ttl = TimeSpan.FromHours(6);
    private readonly SemaphoreSlim _refresh = new(1, 1);

    public async Task<IndexSnapshot> GetAsync(bool forceRefresh, CancellationToken cancellationToken)
    {
        var baseUrl = client.BaseUrl;
        var meta = await store.GetMetaAsync(cancellationToken);
        var sameSource = meta is not null && meta.SourceUrl == baseUrl.AbsoluteUri;
        if (!forceRefresh && sameSource && !IsExpired(meta!))
        {
            return new IndexSnapshot(await store.ListEntriesAsync(cancellationToken), meta!.FetchedAt, false);
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (!forceRefresh && await store.GetMetaAsync(cancellationToken) is { } again && again.SourceUrl == baseUrl.AbsoluteUri && !IsExpired(again))
            {
                return new IndexSnapshot(await store.ListEntriesAsync(cancellationToken), again.FetchedAt, false); // another request refreshed it
            }
            var entries = await client.FetchIndexAsync(baseUrl, (id, problem) => RegistryLog.EntrySkipped(logger, id, problem), cancellationToken);
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            await store.ReplaceIndexAsync(baseUrl.AbsoluteUri, now, entries, cancellationToken);
            RegistryLog.IndexRefreshed(logger, baseUrl.AbsoluteUri, entries.Count);
            return new IndexSnapshot(entries, now, false);
        }
        catch (RegistryException ex) when (!forceRefresh && sameSource && ex.Code == RegistryException.UpstreamError)
        {
            RegistryLog.ServingStale(logger, baseUrl.AbsoluteUri, ex.Message);
            return new IndexSnapshot(await store.ListEntriesAsync(cancellationToken), meta!.FetchedAt, true);
        }
        finally
        {
            _refresh.Release();
        }
    }

    private bool IsExpired(RegistryIndexMeta meta) =>
        time.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(meta.FetchedAt) >= Ttl;

    public void Dispose() => _refresh.Dispose();
}
