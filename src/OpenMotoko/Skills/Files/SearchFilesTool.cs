using System.Globalization;
using System.IO.Enumeration;
using System.Text;
using OpenMotoko.Agent;
using OpenMotoko.Providers;

namespace OpenMotoko.Skills.Files;

/// <summary>
/// search_files: a glob pattern (with * or ?) matches file names; plain text matches names and the
/// lines of text files (case-insensitive). Binary and large files are skipped, long lines are searched
/// at their start only, and results, entries and bytes read are bounded; the answer says what was left out.
/// </summary>
internal sealed class SearchFilesTool(WorkspacePaths workspace) : IAgentTool
{
    public const int MaxResults = 200;
    public const int MaxLineSearched = 64 * 1024;
    public const long MaxBytesScanned = 64L * 1024 * 1024;
    private const int MaxEntriesScanned = 20_000;
    private const int MaxLineShown = 300;

    private static readonly ToolDefinition Tool = new("search_files",
        "Searches the workspace. A pattern with * or ? matches file names (glob); plain text finds file names and lines containing it (case-insensitive). " +
        $"Binary files and files over 1 MiB are skipped, only the first {MaxLineSearched} characters of a line are searched, " +
        $"and a search stops after {MaxResults} results or {MaxBytesScanned / (1024 * 1024)} MiB read.",
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
        FileToolErrors.GuardAsync(workspace, async () =>
        {
            var args = new ToolArguments(invocation.Arguments);
            var pattern = args.String("pattern");
            var rawPath = args.String("path", required: false) ?? ".";
            if (args.Error is { } bad)
            {
                return ToolOutcome.Error(bad);
            }
            if (pattern!.Length == 0)
            {
                return ToolOutcome.Error("'pattern' is empty");
            }
            if (workspace.Resolve(rawPath, out var error) is not { } path)
            {
                return ToolOutcome.Error(error);
            }
            if (!Directory.Exists(path.FullPath))
            {
                return ToolOutcome.Error($"'{path.RelativePath}' is not a folder");
            }
            return ToolOutcome.Ok(await SearchAsync(path.FullPath, pattern, cancellationToken));
        });

    private async Task<string> SearchAsync(string directory, string pattern, CancellationToken cancellationToken)
    {
        var glob = pattern.AsSpan().IndexOfAny('*', '?') >= 0;
        var root = workspace.Root;
        var output = new StringBuilder();
        var tally = new Tally();
        var results = 0;
        var scanned = 0;
        foreach (var entry in WorkspaceWalker.Walk(directory, recursive: true))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (++scanned > MaxEntriesScanned || results >= MaxResults || tally.Bytes >= MaxBytesScanned)
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
                results += await SearchLinesAsync(file, relative, pattern, MaxResults - results, output, tally, cancellationToken);
            }
        }
        var answer = results == 0 && output.Length == 0 ? $"no matches for '{pattern}'\n" : output.ToString();
        return answer + tally.Notes();
    }

    private async Task<int> SearchLinesAsync(FileInfo file, string relative, string text, int room, StringBuilder output, Tally tally, CancellationToken cancellationToken)
    {
        if (file.Length == 0 || room <= 0)
        {
            return 0;
        }
        if (file.Length > TextFiles.MaxReadBytes)
        {
            tally.BigFiles++;
            return 0;
        }
        await using var stream = TextFiles.OpenRead(workspace, new WorkspacePath(file.FullName, relative), out _);
        if (stream is null)
        {
            return 0;
        }
        var (head, complete) = TextFiles.Sniff(stream);
        if (TextFiles.LooksBinary(head, complete))
        {
            return 0;
        }
        // The size was read when the folder was listed; the file may have grown since, so reading stops at the limit.
        var reader = new LineReader(stream, TextFiles.MaxReadBytes);
        var window = new StringBuilder();
        var found = 0;
        var number = 0;
        while (found < room)
        {
            window.Clear();
            var length = await reader.NextLineAsync(0, MaxLineSearched, window, cancellationToken);
            if (length < 0)
            {
                break;
            }
            number++;
            tally.LongLines += length > MaxLineSearched ? 1 : 0;
            var line = window.ToString();
            if (line.Contains(text, StringComparison.OrdinalIgnoreCase))
            {
                var shown = line.Length > MaxLineShown ? string.Concat(line.AsSpan(0, MaxLineShown), "…") : line;
                output.Append(CultureInfo.InvariantCulture, $"{relative}:{number}: {shown.Trim()}\n");
                found++;
            }
        }
        tally.Bytes += reader.BytesRead;
        return found;
    }

    /// <summary>What a search read and what it left out, for the notes under its results.</summary>
    private sealed class Tally
    {
        public long Bytes { get; set; }
        public int BigFiles { get; set; }
        public int LongLines { get; set; }

        public string Notes()
        {
            var notes = new StringBuilder();
            if (LongLines > 0)
            {
                notes.Append(CultureInfo.InvariantCulture,
                    $"[{LongLines} {(LongLines == 1 ? "line" : "lines")} longer than {MaxLineSearched} characters: only the first {MaxLineSearched} characters of each were searched]\n");
            }
            if (BigFiles > 0)
            {
                notes.Append(CultureInfo.InvariantCulture,
                    $"[{BigFiles} {(BigFiles == 1 ? "file over 1 MiB was" : "files over 1 MiB were")} skipped; read_file reads them]\n");
            }
            return notes.ToString();
        }
    }
}
