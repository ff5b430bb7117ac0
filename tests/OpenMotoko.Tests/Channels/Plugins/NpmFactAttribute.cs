using System.Runtime.CompilerServices;

namespace OpenMotoko.Tests.Channels.Plugins;

/// <summary>A test that runs the real npm; skipped with the reason where npm is not on the PATH.</summary>
internal sealed class NpmFactAttribute : FactAttribute
{
    public NpmFactAttribute([CallerMemberName] string test = "", [CallerFilePath] string file = "")
    {
        if (OpenMotoko.Skills.Shell.Executables.Find("npm", Environment.GetEnvironmentVariable("PATH") ?? "") is null)
        {
            Skip = "needs npm on the PATH (Node.js, which the web app's build needs too)";
            DisplayName = $"{Path.GetFileNameWithoutExtension(file)}.{test} (skipped: {Skip})";
        }
    }
}
