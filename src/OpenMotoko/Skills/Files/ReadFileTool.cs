using System.Globalization;
using System.Text;
using OpenMotoko.Agent;
using OpenMotoko.Providers;

namespace OpenMotoko.Skills.Files;

/// <summary>
/// read_file: a window of lines of a text file in the workspace; binary files are described, not
/// dumped. Lines are read with fixed buffers: a long line is cut (the answer says how to read on),
/// so the memory a call takes does not grow with the file or its longest line.
/// </summary>
internal sealed class ReadFileTool(WorkspacePaths workspace) : IAgentTool
{
    public const int DefaultLimit = 2000;
    public const int MaxLineChars = 10_000;

    private static readonly ToolDefinition Tool = new("read_file",
        $"Reads a text file in the workspace. Returns up to 'limit' lines starting at line 'offset' (1-based), at most 1 MiB in all. " +
        $"A line longer than {MaxLineChars} characters is cut; the answer says which 'offset' and 'column' read on from there.",
        ToolArguments.Schema("""
        {"type":"object","properties":{
          "path":{"type":"string","description":"File path, relative to the workspace"},
          "offset":{"type":"integer","minimum":1,"description":"First line to read (1-based, default 1)"},
          "limit":{"type":"integer","minimum":1,"maximum":100000,"description":"Number of lines (default 2000)"},
          "column":{"type":"integer","minimum":1,"description":"Character of the first line to start at (1-based, default 1), to read on in a cut line"}},
         "required":["path"],"additionalProperties":false}
        """));

    public string SkillId => FilesystemSkill.Id;
    public ToolDefinition Definition => Tool;
    public bool ChangesState => false;

    public Task<ToolOutcome> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken) =>
        FileToolErrors.GuardAsync(workspace, () => ReadAsync(invocation, cancellationToken));

    private async Task<ToolOutcome> ReadAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var args = new ToolArguments(invocation.Arguments);
        var rawPath = args.String("path");
        var offset = args.Integer("offset", 1, int.MaxValue) ?? 1;
        var limit = args.Integer("limit", 1, 100_000) ?? DefaultLimit;
        var column = args.Integer("column", 1, int.MaxValue) ?? 1;
        if (args.Error is { } bad)
        {
            return ToolOutcome.Error(bad);
        }
        if (workspace.Resolve(rawPath!, out var error) is not { } path)
        {
            return ToolOutcome.Error(error);
        }
        await using var stream = TextFiles.OpenRead(workspace, path, out error);
        if (stream is null)
        {
            return ToolOutcome.Error(error);
        }
        var (head, complete) = TextFiles.Sniff(stream);
        if (TextFiles.LooksBinary(head, complete))
        {
            return ToolOutcome.Ok($"'{path.RelativePath}' is a binary file, {stream.Length} bytes; not shown");
        }
        var reader = new LineReader(stream);
        var output = new StringBuilder();
        var window = new StringBuilder();
        var line = 0;
        var shown = 0;
        while (true)
        {
            var wanted = line + 1 >= offset;
            var skip = line + 1 == offset ? column - 1L : 0L;
            window.Clear();
            var length = await reader.NextLineAsync(skip, MaxLineChars, wanted ? window : null, cancellationToken);
            if (length < 0)
            {
                break;
            }
            line++;
            if (!wanted)
            {
                continue;
            }
            if (skip > length)
            {
                return ToolOutcome.Error($"column {column} is past the end of line {line} of '{path.RelativePath}' ({length} characters)");
            }
            if (shown == limit || output.Length + window.Length > TextFiles.MaxReadBytes)
            {
                output.Append(CultureInfo.InvariantCulture, $"[more lines follow: continue with offset={line}]\n");
                return ToolOutcome.Ok(output.ToString());
            }
            output.Append(window).Append('\n');
            var shownTo = skip + window.Length;
            if (shownTo < length)
            {
                output.Append(CultureInfo.InvariantCulture,
                    $"[line {line} is cut: characters {skip + 1}-{shownTo} of {length} shown; read on with offset={line} column={shownTo + 1}]\n");
            }
            shown++;
        }
        if (line < offset && line > 0)
        {
            return ToolOutcome.Error($"offset {offset} is past the end of '{path.RelativePath}' ({line} lines)");
        }
        return ToolOutcome.Ok(output.ToString());
    }
}
