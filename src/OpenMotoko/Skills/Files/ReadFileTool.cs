using System.Text;
using OpenMotoko.Agent;
using OpenMotoko.Providers;

namespace OpenMotoko.Skills.Files;

/// <summary>read_file: a window of lines of a text file in the workspace; binary files are described, not dumped.</summary>
internal sealed class ReadFileTool(WorkspacePaths workspace) : IAgentTool
{
    public const int DefaultLimit = 2000;

    private static readonly ToolDefinition Tool = new("read_file",
        "Reads a text file in the workspace. Returns up to 'limit' lines starting at line 'offset' (1-based), at most 1 MiB.",
        ToolArguments.Schema("""
        {"type":"object","properties":{
          "path":{"type":"string","description":"File path, relative to the workspace"},
          "offset":{"type":"integer","minimum":1,"description":"First line to read (1-based, default 1)"},
          "limit":{"type":"integer","minimum":1,"maximum":100000,"description":"Number of lines (default 2000)"}},
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
        using var reader = new StreamReader(stream, new UTF8Encoding(false));
        var output = new StringBuilder();
        var line = 0;
        var shown = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } text)
        {
            line++;
            if (line < offset)
            {
                continue;
            }
            if (shown == limit || output.Length + text.Length > TextFiles.MaxReadBytes)
            {
                output.Append(System.Globalization.CultureInfo.InvariantCulture,
                    $"[more lines follow: continue with offset={line}]\n");
                return ToolOutcome.Ok(output.ToString());
            }
            output.Append(text).Append('\n');
            shown++;
        }
        if (line < offset && line > 0)
        {
            return ToolOutcome.Error($"offset {offset} is past the end of '{path.RelativePath}' ({line} lines)");
        }
        return ToolOutcome.Ok(output.ToString());
    }
}
