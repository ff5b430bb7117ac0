using System.Globalization;
using System.IO.Enumeration;
using System.Text;
using OpenMotoko.Agent;
using OpenMotoko.Providers;

namespace OpenMotoko.Skills.Files;

/// <summary>
/// search_files: a glob pattern (with * or ?) matches file names; plain text matches names and the
/// lines of text files (case-insensitive). Binary and large files are skipped; results are bounded.
/// </summary>
internal sealed class SearchFilesTool(WorkspacePaths workspace) : IAgentTool
{
    public const int MaxResults = 200;
    private const int MaxEntriesScanned = 20_000;
    private const int MaxLineShown = 300;

    private static readonly ToolDefinition Tool = new("search_files",
        "Searches the workspace. A pattern with * or ? matches file names (glob); plain text finds file names and lines containing it (case-insensitive). Binary files are skipped.",
        ToolArguments.Schema("""
        {"type":"object","properties":{
          "pattern":{"type":"string","description":"A glob such as *.md, or text to find"},
          "path":{"type":"string","description":"Folder to search, relative to the workspace (default: the whole workspace)"}},
         "required":["pattern"],"additionalProperties":false}
        """));

    public string SkillId => FilesystemSkill.Id;
    public ToolDefinition Definition => Tool;
    public bool ChangesState => false;

    public Task<ToolOutcome> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken) =>
        FileToolErrors.GuardAsync(workspace, () =>
        {
            var args = new ToolArguments(invocation.Arguments);
            var pattern = args.String("pattern");
            var rawPath = args.String("path", required: false) ?? ".";
            if (args.Error is { } bad)
            {
                return Task.FromResult(ToolOutcome.Error(bad));
            }
            if (pattern!.Length == 0)
            {
                return Task.FromResult(ToolOutcome.Error("'pattern' is empty"));
            }
            if (workspace.Resolve(rawPath, out var error) is not { } path)
            {
                return Task.FromResult(ToolOutcome.Error(error));
            }
            if (!Directory.Exists(path.FullPath))
            {
                return Task.FromResult(ToolOutcome.Error($"'{path.RelativePath}' is not a folder"));
            }
            return Task.FromResult(ToolOutcome.Ok(Search(path.FullPath, pattern, cancellationToken)));
        });

    private string Search(string directory, string pattern, CancellationToken cancellationToken)
    {
        var glob = pattern.AsSpan().IndexOfAny('*', '?') >= 0;
        var root = workspace.Root;
        var output = new StringBuilder();
        var results = 0;
        var scanned = 0;
        foreach (var entry in WorkspaceWalker.Walk(directory, recursive: true))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (++scanned > MaxEntriesScanned || results >= MaxResults)
            {
                output.Append(CultureInfo.InvariantCulture, $"[search stopped after {results} results / {scanned - 1} entries; narrow the path or pattern]\n");
                break;
            }
            var relative = Path.GetRelativePath(root, entry.FullName);
            var nameMatches = glob
                ? FileSystemName.MatchesSimpleExpression(pattern, entry.Name, ignoreCase: true)
                : entry.Name.Contains(pattern, StringComparison.OrdinalIgnoreCase);
            if (nameMatches)
            {
                output.Append(relative).Append(entry is DirectoryInfo ? "/\n" : "\n");
                results++;
            }
            if (!glob && entry is FileInfo file && entry.LinkTarget is null)
            {
                results += SearchLines(file, relative, pattern, MaxResults - results, output);
            }
        }
        return results == 0 && output.Length == 0 ? $"no matches for '{pattern}'\n" : output.ToString();
    }

    private int SearchLines(FileInfo file, string relative, string text, int room, StringBuilder output)
    {
        if (file.Length > TextFiles.MaxReadBytes || file.Length == 0 || room <= 0)
        {
            return 0;
        }
        using var stream = TextFiles.OpenRead(workspace, new WorkspacePath(file.FullName, relative), out _);
        if (stream is null)
        {
            return 0;
        }
        var (head, complete) = TextFiles.Sniff(stream);
        if (TextFiles.LooksBinary(head, complete))
        {
            return 0;
        }
        using var reader = new StreamReader(stream, new UTF8Encoding(false));
        var found = 0;
        var number = 0;
        while (found < room && reader.ReadLine() is { } line)
        {
            number++;
            if (line.Contains(text, StringComparison.OrdinalIgnoreCase))
            {
                var shown = line.Length > MaxLineShown ? string.Concat(line.AsSpan(0, MaxLineShown), "…") : line;
                output.Append(CultureInfo.InvariantCulture, $"{relative}:{number}: {shown.Trim()}\n");
                found++;
            }
        }
        return found;
    }
}
