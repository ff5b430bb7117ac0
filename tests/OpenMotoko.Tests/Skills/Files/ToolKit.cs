using System.Text.Json;
using OpenMotoko.Agent;
using OpenMotoko.Skills.Files;

namespace OpenMotoko.Tests.Skills.Files;

/// <summary>A temp data dir with the workspace inside it (the default layout), and a way to call a tool.</summary>
internal sealed class ToolKit : IDisposable
{
    /// <param name="parent">Where to create it; the sandbox tests use a folder outside /tmp (which bubblewrap hides anyway).</param>
    public ToolKit(string? parent = null)
    {
        Root = parent is null
            ? Directory.CreateTempSubdirectory("openmotoko-tools-").FullName
            : Directory.CreateDirectory(Path.Combine(parent, $"openmotoko-tools-{Guid.NewGuid():N}")).FullName;
        DataDir = Path.Combine(Root, "data");
        Workspace = Path.Combine(DataDir, "workspace");
        Directory.CreateDirectory(Workspace);
        File.WriteAllText(DatabasePath, "not a real database");
        Paths = new WorkspacePaths(Workspace, DataDir, DatabasePath);
    }

    /// <summary>The temp folder around everything: outside the workspace and the data dir.</summary>
    public string Root { get; }
    public string DataDir { get; }
    public string Workspace { get; }
    public string DatabasePath => Path.Combine(DataDir, "openmotoko.db");
    public WorkspacePaths Paths { get; }

    public string InWorkspace(string relative) => Path.Combine(Workspace, relative);

    public static Task<ToolOutcome> CallAsync(IAgentTool tool, string argumentsJson, CancellationToken cancellationToken = default)
    {
        using var document = JsonDocument.Parse(argumentsJson);
        var invocation = new ToolInvocation("call-1", tool.Definition.Name, document.RootElement.Clone(), "conv-1", "run-1");
        return tool.InvokeAsync(invocation, cancellationToken);
    }

    /// <summary>JSON for an object with string properties, escaped properly (paths and commands contain quotes).</summary>
    public static string Json(params (string Name, object Value)[] properties)
    {
        var node = new System.Text.Json.Nodes.JsonObject();
        foreach (var (name, value) in properties)
        {
            node[name] = value switch
            {
                string text => text,
                int number => number,
                bool flag => flag,
                _ => throw new ArgumentException(name),
            };
        }
        return node.ToJsonString();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // a process still held a file; the OS temp cleaner gets it
        }
    }
}
