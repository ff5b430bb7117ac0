using System.CommandLine;
using System.Runtime.InteropServices;
using OpenMotoko.Health;

namespace OpenMotoko.Cli;

internal sealed class VersionCommand : Command
{
    public VersionCommand() : base("version", "Print the version, the commit it was built from and the runtime.")
    {
        SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine($"openmotoko {BuildInfo.Version}");
            output.WriteLine($"commit     {BuildInfo.Commit}");
            output.WriteLine($"runtime    {RuntimeInformation.FrameworkDescription} {RuntimeInformation.RuntimeIdentifier}{(RuntimeFeatureInfo.IsNativeAot ? " (native AOT)" : "")}");
            return ExitCodes.Ok;
        });
    }
}

internal static class RuntimeFeatureInfo
{
    public static bool IsNativeAot => !System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported;
}
