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
    // PublishAot also turns off dynamic code for JIT runs, so that switch alone cannot tell; only a native
    // image has no assembly files. IL3000 warns exactly that Location is empty there, which is the point.
#pragma warning disable IL3000
    public static bool IsNativeAot => typeof(object).Assembly.Location.Length == 0;
#pragma warning restore IL3000
}
