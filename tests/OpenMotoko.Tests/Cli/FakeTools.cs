namespace OpenMotoko.Tests.Cli;

/// <summary>
/// Executables written by a test into a directory it puts first on PATH: each records its arguments,
/// one call a line, in calls.log beside it, prints what it was given and exits with the given code.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class FakeTools
{
    private static readonly Lazy<string> FakeBinary = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "fake-openmotoko-binary");
        File.WriteAllText(path, "#!/bin/sh\nexit 0\n");
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        return path;
    });

    public FakeTools(string directory)
    {
        Directory = System.IO.Directory.CreateDirectory(directory).FullName;
    }

    /// <summary>An existing file standing for the installed binary, outside /tmp.</summary>
    public static string Binary => FakeBinary.Value;

    public string Directory { get; }

    public string CallsFile => Path.Combine(Directory, "calls.log");

    /// <summary>The PATH to give the command: the fakes first, then the system's (for id, chown...).</summary>
    public string SearchPath => $"{Directory}:/usr/local/bin:/usr/bin:/bin";

    /// <summary>Every recorded call, "name arg1 arg2".</summary>
    public IReadOnlyList<string> Calls => File.Exists(CallsFile) ? File.ReadAllLines(CallsFile) : [];

    /// <summary>Writes (or replaces) a fake; <paramref name="script"/> is extra sh run after recording, e.g. case "$1" in ... esac.</summary>
    public void Add(string name, string script = "", int exitCode = 0) =>
        Write(name, $"#!/bin/sh\nprintf '%s\\n' \"{name} $*\" >> '{CallsFile}'\n{script}\nexit {exitCode}\n");

    public void Write(string name, string content)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
    }

    public void ClearCalls() => File.Delete(CallsFile);
}
