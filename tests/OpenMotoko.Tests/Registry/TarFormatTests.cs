using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;

namespace OpenMotoko.Tests.Registry;

/// <summary>Packages made by GNU tar itself, in each format it writes, unpack the same: long names, PAX headers, ustar prefixes.</summary>
public sealed class TarFormatTests : IDisposable
{
    private static readonly string LongName = new string('n', 120) + ".md";
    private static readonly string DeepPath = string.Join('/', Enumerable.Repeat("folder-with-a-longish-name", 5)) + "/deep.md";
    private readonly string _source = Directory.CreateTempSubdirectory("openmotoko-tar-").FullName;

    [Theory]
    [InlineData("gnu")]
    [InlineData("posix")]
    [InlineData("ustar")]
    public async Task A_package_made_by_gnu_tar_is_installed_with_every_file(string format)
    {
        var skill = Path.Combine(_source, "skill");
        Directory.CreateDirectory(Path.Combine(skill, Path.GetDirectoryName(DeepPath)!));
        await File.WriteAllTextAsync(Path.Combine(skill, "SKILL.md"), Packages.SkillMd);
        await File.WriteAllTextAsync(Path.Combine(skill, DeepPath), "deep");
        var files = new List<string> { "SKILL.md", DeepPath };
        if (format != "ustar") // ustar cannot hold a single name over 100 bytes
        {
            await File.WriteAllTextAsync(Path.Combine(skill, LongName), "long");
            files.Add(LongName);
        }
        var archive = Path.Combine(_source, "package.tar.gz");
        using (var tar = Process.Start(new ProcessStartInfo("tar", ["--format", format, "-czf", archive, "-C", _source, "skill"]) { RedirectStandardError = true })!)
        {
            await tar.WaitForExitAsync();
            Assert.True(tar.ExitCode == 0, await tar.StandardError.ReadToEndAsync());
        }
        await using var registry = await FakeRegistry.StartAsync();
        registry.AddPackage($"made-{format}", $"made-{format}.tar.gz", await File.ReadAllBytesAsync(archive));
        await using var app = await registry.StartAppAsync();
        using var client = await app.LoginClientAsync();

        using var response = await client.PostAsJsonAsync("/api/registry/install", new { id = $"made-{format}" });

        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var installed = Path.Combine(app.DataDir, "skills", $"made-{format}");
        foreach (var file in files)
        {
            Assert.Equal(await File.ReadAllTextAsync(Path.Combine(skill, file)), await File.ReadAllTextAsync(Path.Combine(installed, file)));
        }
    }

    public void Dispose() => Directory.Delete(_source, recursive: true);
}
