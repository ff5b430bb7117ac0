using OpenMotoko.Agent;
using OpenMotoko.Providers;

namespace OpenMotoko.Skills.Files;

/// <summary>edit_file: replaces one exact occurrence of a text in a file.</summary>
internal sealed class EditFileTool(WorkspacePaths workspace) : IAgentTool
{
    private static readonly ToolDefinition Tool = new("edit_file",
        "Replaces oldText with newText in a text file in the workspace. oldText must occur exactly once; include enough context to make it unique.",
        ToolArguments.Schema("""
        {"type":"object","properties":{
          "path":{"type":"string","description":"File path, relative to the workspace"},
          "oldText":{"type":"string","description":"The exact text to replace; must occur exactly once"},
          "newText":{"type":"string","description":"The replacement text"}},
         "required":["path","oldText","newText"],"additionalProperties":false}
        """));

    public string SkillId => FilesystemSkill.Id;
    public ToolDefinition Definition => Tool;
    public bool ChangesState => true;

    public Task<ToolOutcome> InvokeAsync(ToolInvocation invocation, CancellationToken cancellationToken) =>
        FileToolErrors.GuardAsync(workspace, () => EditAsync(invocation, cancellationToken));

    private async Task<ToolOutcome> EditAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var args = new ToolArguments(invocation.Arguments);
        var rawPath = args.String("path");
        var oldText = args.String("oldText");
        var newText = args.String("newText");
        if (args.Error is { } bad)
        {
            return ToolOutcome.Error(bad);
        }
        if (oldText!.Length == 0)
        {
            return ToolOutcome.Error("'oldText' is empty; give the exact text to replace");
        }
        if (workspace.Resolve(rawPath!, out var error) is not { } path)
        {
            return ToolOutcome.Error(error);
        }
        string? failure = null;
        var text = await TextFiles.ReadTextAsync(workspace, path, TextFiles.MaxWriteBytes, cancellationToken, reason => failure = reason);
        if (text is null)
        {
            return ToolOutcome.Error(failure!);
        }
        var count = CountOccurrences(text, oldText);
        if (count != 1)
        {
            return ToolOutcome.Error(count == 0
                ? $"oldText was not found in '{path.RelativePath}'; read the file and copy the text exactly"
                : $"oldText occurs {count} times in '{path.RelativePath}'; it must occur exactly once, so include more surrounding text");
        }
        var index = text.IndexOf(oldText, StringComparison.Ordinal);
        var updated = string.Concat(text.AsSpan(0, index), newText, text.AsSpan(index + oldText.Length));
        if (await TextFiles.WriteAtomicAsync(workspace, path, updated, cancellationToken) is { } writeFailure)
        {
            return ToolOutcome.Error(writeFailure);
        }
        return ToolOutcome.Ok($"edited '{path.RelativePath}': replaced 1 occurrence");
    }

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + 1, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }
}
