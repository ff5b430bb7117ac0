using System.Text.Json;
using OpenMotoko.Agent;

namespace OpenMotoko.Skills.Files;

/// <summary>Turns the file system's exceptions into tool errors the model can act on.</summary>
internal static class FileToolErrors
{
    public static async Task<ToolOutcome> GuardAsync(Func<Task<ToolOutcome>> run)
    {
        try
        {
            return await run();
        }
        catch (UnauthorizedAccessException e)
        {
            return ToolOutcome.Error($"permission denied: {e.Message}");
        }
        catch (IOException e)
        {
            return ToolOutcome.Error($"file system error: {e.Message}");
        }
    }
}
