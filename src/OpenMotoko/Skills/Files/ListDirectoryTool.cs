using System.Globalization;
using System.Text;
using OpenMotoko.Agent;
using OpenMotoko.Providers;

namespace OpenMotoko.Skills.Files;

/// <summary>list_directory: the entries of a folder in the workspace (dirs, files with sizes, links with targets).</summary>
internal sealed class ListDirectoryTool(WorkspacePaths workspace) : IAgentTool
{
    public const int MaxEntries = 1000;

    private static readonly ToolDefinition Tool = new("list_directory",
        $"Lists a folder in the workspace: folders end with '/', files show their size, links show their target. At most {MaxEntries} entries.",
        ToolArguments.Schema("""
        {"type":"object","properties":{
          "path":{"type":"string","description":"Folder path, relative to the workspace (default: the workspace itself)"},
          "recursive":{"type":"boolean","description":"Also list sub-folders (symbolic links are not followed)"}},
         "additionalProperties":false}
        """));

    public string SkillId => FilesystemSkill.Id;
    public ToolDefinition Definition => Tool;
    public bool ChangesState => false;

    public Task<ToolOutcome> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken) =>
        FileToolErrors.GuardAsync(workspace, () =>
        {
            var args = new ToolArguments(invocation.Arguments);
            var rawPath = args.String("path", required: false) ?? ".";
            var recursive = args.Boolean("recursive") ?? false;
            if (args.Error is { } bad)
            {
                return Task.FromResult(ToolOutcome.Error(bad));
            }
            if (workspace.Resolve(rawPath, out var error) is not { } path)
            {
                return Task.FromResult(ToolOutcome.Error(error));
            }
            if (!Directory.Exists(path.FullPath))
            {
                return Task.FromResult(ToolOutcome.Error(File.Exists(path.FullPath)
                    ? $"'{path.RelativePath}' is a file, not a folder"
                    : $"'{path.RelativePath}' does not exist"));
            }
            return Task.FromResult(ToolOutcome.Ok(List(path.FullPath, recursive, cancellationToken)));
        });

    private static string List(string directory, bool recursive, CancellationToken cancellationToken)
    {
        var output = new StringBuilder();
        var count = 0;
        foreach (var entry in WorkspaceWalker.Walk(directory, recursive))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (count == MaxEntries)
            {
                output.Append(CultureInfo.InvariantCulture, $"[stopped after {MaxEntries} entries; list a sub-folder for more]\n");
                break;
            }
            count++;
            var name = Path.GetRelativePath(directory, entry.FullName);
            if (entry.LinkTarget is { } target)
            {
                output.Append(CultureInfo.InvariantCulture, $"link  {name} -> {target}\n");
            }
            else if (entry is DirectoryInfo)
            {
                output.Append(CultureInfo.InvariantCulture, $"dir   {name}/\n");
            }
            else
            {
                output.Append(CultureInfo.InvariantCulture, $"file  {name} ({((FileInfo)entry).Length} bytes)\n");
            }
        }
        return count == 0 ? "(empty folder)\n" : output.ToString();
    }
}
