using OpenMotoko.Agent;
using OpenMotoko.Providers;

namespace OpenMotoko.Skills.Files;

/// <summary>write_file: creates or replaces a text file in the workspace, atomically.</summary>
internal sealed class WriteFileTool(WorkspacePaths workspace) : IAgentTool
{
    private static readonly ToolDefinition Tool = new("write_file",
        "Creates or replaces a text file in the workspace (parent folders are created). At most 5 MiB.",
        ToolArguments.Schema("""
        {"type":"object","properties":{
          "path":{"type":"string","description":"File path, relative to the workspace"},
          "content":{"type":"string","description":"The whole new content of the file"}},
         "required":["path","content"],"additionalProperties":false}
        """));

    public string SkillId => FilesystemSkill.Id;
    public ToolDefinition Definition => Tool;
    public bool ChangesState => true;

    public Task<ToolOutcome> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken) =>
        FileToolErrors.GuardAsync(workspace, async () =>
        {
            var args = new ToolArguments(invocation.Arguments);
            var rawPath = args.String("path");
            var content = args.String("content");
            if (args.Error is { } bad)
            {
                return ToolOutcome.Error(bad);
            }
            if (workspace.Resolve(rawPath!, out var error) is not { } path)
            {
                return ToolOutcome.Error(error);
            }
            if (await TextFiles.WriteAtomicAsync(workspace, path, content!, cancellationToken) is { } failure)
            {
                return ToolOutcome.Error(failure);
            }
            return ToolOutcome.Ok($"wrote {System.Text.Encoding.UTF8.GetByteCount(content!)} bytes to '{path.RelativePath}'");
        });
}
