using System.Collections.Concurrent;
using Dapper;
using OpenMotoko.Storage;

namespace OpenMotoko.Channels.Plugins;

/// <summary>
/// The channel_plugins table, with every row also held in memory: the channel catalog lists plugins
/// on each request and the rows change only on install, hello and removal.
/// </summary>
internal sealed class PluginStore(Database database, TimeProvider time)
{
    private const string Columns =
        "id AS Id, source AS Source, package AS Package, path AS Path, command AS Command, name AS Name, version AS Version, " +
        "config_schema AS ConfigSchema, installed_at AS InstalledAt";

    private readonly ConcurrentDictionary<string, PluginRow> _rows = new(StringComparer.Ordinal);

    public IEnumerable<string> Ids => _rows.Keys.Order(StringComparer.Ordinal);

    public PluginRow? Get(string id) => _rows.GetValueOrDefault(id);

    public IReadOnlyList<PluginRow> All => [.. Ids.Select(id => _rows[id])];

    /// <summary>Reads the table once at start-up.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        foreach (var row in await connection.QueryAsync<PluginRow>($"SELECT {Columns} FROM channel_plugins"))
        {
            _rows[row.Id] = row;
        }
    }

    public async Task<PluginRow> AddAsync(string id, string source, string? package, string path, string command, CancellationToken cancellationToken)
    {
        var row = new PluginRow(id, source, package, path, command, null, null, null, time.GetUtcNow().ToUnixTimeMilliseconds());
        using var write = await database.BeginWriteAsync(cancellationToken);
        write.Connection.Execute(
            """
            INSERT INTO channel_plugins (id, source, package, path, command, name, version, config_schema, installed_at)
            VALUES ($Id, $Source, $Package, $Path, $Command, NULL, NULL, NULL, $InstalledAt)
            """, new { row.Id, row.Source, row.Package, row.Path, row.Command, row.InstalledAt });
        write.Commit();
        _rows[id] = row;
        return row;
    }

    /// <summary>Remembers what the plugin's hello said (its name, version and config schema).</summary>
    public async Task SaveHelloAsync(string id, string name, string? version, string? configSchema, CancellationToken cancellationToken)
    {
        using var write = await database.BeginWriteAsync(cancellationToken);
        write.Connection.Execute(
            "UPDATE channel_plugins SET name = $name, version = $version, config_schema = $configSchema WHERE id = $id",
            new { id, name, version, configSchema });
        write.Commit();
        if (_rows.TryGetValue(id, out var row))
        {
            _rows[id] = row with { Name = name, Version = version, ConfigSchema = configSchema };
        }
    }

    /// <summary>Forgets the plugin, its channel settings and its senders (its conversations stay in the history).</summary>
    public async Task RemoveAsync(string id, CancellationToken cancellationToken)
    {
        using var write = await database.BeginWriteAsync(cancellationToken);
        write.Connection.Execute("DELETE FROM channel_plugins WHERE id = $id", new { id });
        write.Connection.Execute("DELETE FROM channels WHERE id = $id", new { id });
        write.Connection.Execute("DELETE FROM channel_senders WHERE channel_id = $id", new { id });
        write.Commit();
        _rows.TryRemove(id, out _);
    }
}
