namespace OpenMotoko.Tests;

/// <summary>Where the checkout is, for tests that compare with or read its files.</summary>
internal static class TestPaths
{
    /// <summary>The directory holding OpenMotoko.sln, found upwards from the test binary.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OpenMotoko.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("OpenMotoko.sln not found above " + AppContext.BaseDirectory);
    }
}
