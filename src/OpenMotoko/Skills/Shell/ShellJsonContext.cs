using System.Text.Json.Serialization;

namespace OpenMotoko.Skills.Shell;

/// <summary>What execute_command answers: the exit code, both outputs (capped) and whether the timeout killed it.</summary>
internal sealed record CommandResult(int ExitCode, string Stdout, string Stderr, bool TimedOut);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(CommandResult))]
internal sealed partial class ShellJsonContext : JsonSerializerContext;
