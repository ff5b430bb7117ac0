using System.Text.RegularExpressions;
using OpenMotoko.Agent;

namespace OpenMotoko.Skills.Files;

/// <summary>
/// Turns the file system's exceptions into tool errors the model can act on. Their messages quote
/// full host paths; those inside the workspace become relative, anything else is not named.
/// </summary>
internal static partial class FileToolErrors
{
    public static async Task<ToolOutcome> GuardAsync(WorkspacePaths workspace, Func<Task<ToolOutcome>> run)
    {
        try
        {
            return await run();
        }
        catch (UnauthorizedAccessException e)
        {
            return ToolOutcome.Error($"permission denied: {Describe(e, workspace)}");
        }
        catch (IOException e)
        {
            return ToolOutcome.Error($"file system error: {Describe(e, workspace)}");
        }
    }

    public static string Describe(Exception exception, WorkspacePaths workspace)
    {
        string? root;
        try
        {
            root = workspace.Root;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            root = null;
        }
        return QuotedPath().Replace(exception.Message, match =>
            root is not null && WorkspacePaths.IsInside(match.Groups[1].Value, root)
                ? $"'{Path.GetRelativePath(root, match.Groups[1].Value)}'"
                : "(a path outside the workspace)");
    }

    /// <summary>How .NET's I/O messages quote a path: 'path' (absolute on Unix).</summary>
    [GeneratedRegex("'(/[^']*)'", RegexOptions.CultureInvariant)]
    private static partial Regex QuotedPath();
}
