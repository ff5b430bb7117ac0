namespace OpenMotoko.Tests;

/// <summary>
/// Tests that measure the process's allocations run alone, so another test's work cannot be
/// counted against them (GC.GetTotalAllocatedBytes covers every thread).
/// </summary>
[CollectionDefinition("allocations", DisableParallelization = true)]
public sealed class AllocationsCollection;

internal static class Allocations
{
    /// <summary>Bytes the process allocated while <paramref name="run"/> ran, and its result.</summary>
    public static async Task<(long Bytes, T Result)> MeasureAsync<T>(Func<Task<T>> run)
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var result = await run();
        return (GC.GetTotalAllocatedBytes(precise: true) - before, result);
    }
}
