using System.CommandLine;
using System.Runtime.InteropServices;
using OpenMotoko.Hosting;

namespace OpenMotoko.Cli;

internal sealed class VersionCommand : Command
{
    public VersionCommand() : base("version", "Print the version, the commit it was built from and the runtime.")
    {
        SetAction(Print);
    }

    /// <summary>What both `version` and `--version` print.</summary>
    public static int Print(ParseResult parseResult)
    {
        var output = parseResult.InvocationConfiguration.Output;
        output.WriteLine($"openmotoko {BuildInfo.Version}");
        output.WriteLine($"commit     {BuildInfo.Commit}");
        output.WriteLine($"runtime    {RuntimeInformation.FrameworkDescription} {RuntimeInformation.RuntimeIdentifier}{(RuntimeFeatureInfo.IsNativeAot ? " (native AOT)" : "")}");
        return ExitCodes.Ok;
    }
}

/// <summary>`openmotoko --version`, printing what `openmotoko version` prints.</summary>
internal sealed class VersionFlagAction : System.CommandLine.Invocation.SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult) => VersionCommand.Print(parseResult);
}

internal static class RuntimeFeatureInfo
{
    // PublishAot also turns off dynamic code for JIT runs, so that switch alone cannot tell; only a native
    // image has no assembly files. IL3000 warns exactly that Location is empty there, which is the point.
    public static bool IsNativeAot
    {
        [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("SingleFile", "IL3000", Justification = "An empty Location is what identifies a native image.")]
        get => typeof(object).Assembly.Location.Length == 0;
    }
}
