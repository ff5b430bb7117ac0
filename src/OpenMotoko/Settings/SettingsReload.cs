using System.Text.Json;
using OpenMotoko.Storage;

namespace OpenMotoko.Settings;

internal sealed partial class SettingsStore
{
    /// <summary>
    /// Re-reads the settings table after someone else wrote it (e.g. `openmotoko config set` beside the running
    /// daemon) and raises <see cref="Changed"/> for the keys whose stored value moved, exactly as a write through
    /// <see cref="ApplyAsync"/> does, so everything that reacts to PUT /api/settings reacts the same way.
    /// </summary>
    public void Reload()
    {
        string[] changed;
        _writeLock.Wait();
        try
        {
            var fresh = Load();
            changed = SettingsCatalog.All.Select(d => d.Key).Where(key => !SameValue(_stored, fresh, key)).ToArray();
            if (changed.Length == 0)
            {
                return;
            }
            Volatile.Write(ref _stored, fresh);
        }
        finally
        {
            _writeLock.Release();
        }
        Changed?.Invoke(changed);
    }

    private static bool SameValue(Dictionary<string, JsonElement> before, Dictionary<string, JsonElement> after, string key) =>
        before.TryGetValue(key, out var old) ? after.TryGetValue(key, out var now) && JsonElement.DeepEquals(old, now) : !after.ContainsKey(key);
}

/// <summary>Reloads the settings whenever the database watcher sees a commit, so a change from another process reaches the daemon within a poll.</summary>
internal sealed partial class SettingsReloader(DataVersionWatcher watcher, SettingsStore settings, ILogger<SettingsReloader> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        watcher.Changed += Reload;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        watcher.Changed -= Reload;
        return Task.CompletedTask;
    }

    private void Reload()
    {
        try
        {
            settings.Reload();
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException)
        {
            ReloadFailed(logger, ex);
        }
    }

    [LoggerMessage(EventId = 1220, EventName = "SettingsReloadFailed", Level = LogLevel.Warning, Message = "Reloading settings changed by another process failed; the next change tries again")]
    private static partial void ReloadFailed(ILogger logger, Exception exception);
}
