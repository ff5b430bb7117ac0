using System.Data;
using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;

namespace OpenMotoko.Storage;

/// <summary>
/// The base of every command factory Dapper.AOT generates (see DapperAotModule.cs): on the writer
/// connection each call site keeps its command, so SQLite prepares its statement once and later
/// calls only bind new values.
/// </summary>
internal class PreparedCommandFactory<T> : CommandFactory<T>
{
    private DbCommand? _kept;

    public override DbCommand GetCommand(DbConnection connection, string sql, CommandType commandType, T args)
    {
        if (connection is not WriterConnection)
        {
            return base.GetCommand(connection, sql, commandType, args);
        }
        // Taken in one step, then checked before Dapper binds anything: a command kept by another
        // writer (another database in this process, or one since closed) or for another statement
        // (a call site whose text varies) is never run here. Nor is it disposed here: that would touch
        // the other connection's command list without holding its writer lock, racing its owner (and
        // its Close). Dropped, its statement is finalized by the GC or its connection's close.
        var kept = Interlocked.Exchange(ref _kept, null);
        if (kept is not null && ReferenceEquals(kept.Connection, connection) && string.Equals(kept.CommandText, sql, StringComparison.Ordinal)
            && TryReuseInterlocked(ref kept, sql, commandType, args, null) is { } reused)
        {
            return reused;
        }
        if (kept is not null && ReferenceEquals(kept.Connection, connection))
        {
            kept.Dispose(); // this writer's own, for another statement: ours to close, under our lock
        }
        var command = base.GetCommand(connection, sql, commandType, args);
        foreach (DbParameter parameter in command.Parameters)
        {
            // Dapper.AOT sizes text parameters from the first value; a reused command binds later,
            // longer values, which Microsoft.Data.Sqlite would cut to that size. -1 means no limit.
            parameter.Size = -1;
        }
        return command;
    }

    public override bool TryRecycle(DbCommand command)
    {
        if (command.Connection is not WriterConnection)
        {
            return false;
        }
        // Only this writer's own commands are disposed: the caller holds this writer's lock, not another's.
        if (Interlocked.Exchange(ref _kept, command) is { } previous && ReferenceEquals(previous.Connection, command.Connection))
        {
            previous.Dispose();
        }
        return true;
    }
}
