using OpenMotoko.Cli;
using OpenMotoko.Hosting;

namespace OpenMotoko.Tests.Cli;

/// <summary>Runs the real command line in-process and captures what it prints.</summary>
internal static class Cli
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public string All => Output + Error;
    }

    /// <param name="interactive">stdin stands for a terminal (typed lines), not a pipe.</param>
    public static async Task<Result> RunAsync(string[] args, Dictionary<string, string>? environment = null, string? stdin = null, bool interactive = false)
    {
        var context = new CliContext(new EnvironmentSnapshot(environment ?? []), new StringReader(stdin ?? ""), InputIsRedirected: !interactive);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await OpenMotokoCli.RunAsync(args, context, output, error);
        var result = new Result(exit, output.ToString(), error.ToString());
        Assert.DoesNotContain("   at ", result.All, StringComparison.Ordinal); // never a stack trace
        Assert.DoesNotContain("Exception", result.All, StringComparison.Ordinal);
        return result;
    }

    public static string TempDir() => Directory.CreateTempSubdirectory("openmotoko-cli-").FullName;

    public static void Delete(string directory)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

/// <summary>System.CommandLine option objects are shared between command trees: one CLI test at a time.</summary>
[CollectionDefinition("cli", DisableParallelization = true)]
public sealed class CliCollection;
