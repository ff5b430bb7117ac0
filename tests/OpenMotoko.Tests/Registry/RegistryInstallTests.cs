using System.Formats.Tar;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenMotoko.Skills;

namespace OpenMotoko.Tests.Registry;

public sealed class RegistryInstallTests
{
    [Fact]
    public async Task A_good_tar_gz_package_is_installed_disabled_and_shows_as_installed()
    {
        await using var registry = await FakeRegistry.StartAsync();
        await using var app = await registry.StartAppAsync();
        using var client = await app.LoginClientAsync();

        using var response = await client.PostAsJsonAsync("/api/registry/install", new { id = "weather-brief" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using (var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()))
        {
            Assert.Equal("weather-brief", body.RootElement.GetProperty("id").GetString());
            Assert.Equal("1.0.0", body.RootElement.GetProperty("version").GetString());
            Assert.False(body.RootElement.GetProperty("enabled").GetBoolean());
        }
        var folder = Path.Combine(app.DataDir, "skills", "weather-brief");
        var skill = SkillMarkdown.TryParse(await File.ReadAllTextAsync(Path.Combine(folder, "SKILL.md")), out var problem);
        Assert.NotNull(skill);
        Assert.Equal("weather-brief", skill.Name);
        Assert.Equal("Prefer metric units unless the owner asked otherwise.\n", await File.ReadAllTextAsync(Path.Combine(folder, "notes", "units.md")));
        Assert.Empty(Staging(app));

        await app.RestartAsync();
        using var restarted = await app.LoginClientAsync();
        using var detail = await RegistrySearchTests.GetJson(restarted, "/api/registry/weather-brief");
        Assert.True(detail.RootElement.GetProperty("installed").GetBoolean());
        Assert.Equal("1.0.0", detail.RootElement.GetProperty("installedVersion").GetString());

        using var again = await restarted.PostAsJsonAsync("/api/registry/install", new { id = "weather-brief" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("\"CONFLICT\"", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_zip_package_with_one_top_folder_is_installed_from_inside_it()
    {
        await using var registry = await FakeRegistry.StartAsync();
        await using var app = await registry.StartAppAsync();
        using var client = await app.LoginClientAsync();

        using var response = await client.PostAsJsonAsync("/api/registry/install", new { id = "git-helper" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var folder = Path.Combine(app.DataDir, "skills", "git-helper");
        Assert.True(File.Exists(Path.Combine(folder, "SKILL.md")));
        Assert.True(File.Exists(Path.Combine(folder, "examples.md")));
        Assert.False(Directory.Exists(Path.Combine(folder, "git-helper")));
    }

    [Fact]
    public async Task Uninstall_removes_the_folder_and_the_record()
    {
        await using var registry = await FakeRegistry.StartAsync();
        await using var app = await registry.StartAppAsync();
        using var client = await app.LoginClientAsync();
        (await client.PostAsJsonAsync("/api/registry/install", new { id = "weather-brief" })).EnsureSuccessStatusCode();

        using var removed = await client.DeleteAsync("/api/registry/uninstall/weather-brief");

        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.False(Directory.Exists(Path.Combine(app.DataDir, "skills", "weather-brief")));
        using var detail = await RegistrySearchTests.GetJson(client, "/api/registry/weather-brief");
        Assert.False(detail.RootElement.GetProperty("installed").GetBoolean());
        using var twice = await client.DeleteAsync("/api/registry/uninstall/weather-brief");
        Assert.Equal(HttpStatusCode.NotFound, twice.StatusCode);
        using var reinstall = await client.PostAsJsonAsync("/api/registry/install", new { id = "weather-brief" });
        Assert.Equal(HttpStatusCode.Created, reinstall.StatusCode);
    }

    [Fact]
    public async Task An_installed_skill_is_listed_disabled_and_a_reinstall_does_not_inherit_an_old_toggle()
    {
        await using var registry = await FakeRegistry.StartAsync();
        await using var app = await registry.StartAppAsync();
        using var client = await app.LoginClientAsync();
        (await client.PostAsJsonAsync("/api/registry/install", new { id = "weather-brief" })).EnsureSuccessStatusCode();
        Assert.False(await EnabledAsync(client, "weather-brief"));
        using (var toggle = await client.PostAsync("/api/skills/weather-brief/toggle", null))
        {
            toggle.EnsureSuccessStatusCode();
        }
        Assert.True(await EnabledAsync(client, "weather-brief"));

        (await client.DeleteAsync("/api/registry/uninstall/weather-brief")).EnsureSuccessStatusCode();
        (await client.PostAsJsonAsync("/api/registry/install", new { id = "weather-brief" })).EnsureSuccessStatusCode();

        Assert.False(await EnabledAsync(client, "weather-brief"));
    }

    private static async Task<bool> EnabledAsync(HttpClient client, string id)
    {
        var skills = await client.GetFromJsonAsync<JsonElement>("/api/skills");
        var skill = skills.EnumerateArray().Single(s => s.GetProperty("id").GetString() == id);
        Assert.Equal("registry", skill.GetProperty("source").GetString());
        return skill.GetProperty("enabled").GetBoolean();
    }

    [Theory]
    [InlineData("""{"id": "instructions"}""")]
    [InlineData("""{"id": "../etc"}""")]
    [InlineData("""{"id": "Weather"}""")]
    [InlineData("""{"id": "web"}""")]
    [InlineData("""{"id": ""}""")]
    [InlineData("""{}""")]
    public async Task Install_refuses_ids_that_are_not_safe_slugs(string json)
    {
        await using var registry = await FakeRegistry.StartAsync();
        await using var app = await registry.StartAppAsync();
        using var client = await app.LoginClientAsync();

        using var response = await client.PostAsync("/api/registry/install", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"VALIDATION_ERROR\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_id_is_404()
    {
        await using var registry = await FakeRegistry.StartAsync();
        await using var app = await registry.StartAppAsync();
        using var client = await app.LoginClientAsync();

        using var response = await client.PostAsJsonAsync("/api/registry/install", new { id = "no-such-skill" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    public static TheoryData<string, byte[], string?> HostilePackages()
    {
        var skill = Packages.File("SKILL.md", Packages.SkillMd);
        return new()
        {
            { "bad-checksum", Packages.TarGz(Packages.File("SKILL.md", Packages.SkillMd)), new string('0', 64) },
            { "traversal", Packages.TarGz(Packages.File("SKILL.md", Packages.SkillMd), Packages.File("../escaped.txt", "pwned")), null },
            { "deep-traversal", Packages.TarGz(Packages.File("SKILL.md", Packages.SkillMd), Packages.File("notes/../../../escaped.txt", "pwned")), null },
            { "absolute", Packages.TarGz(Packages.File("SKILL.md", Packages.SkillMd), Packages.File("/tmp/openmotoko-escaped.txt", "pwned")), null },
            { "symlink", Packages.TarGz(Packages.File("SKILL.md", Packages.SkillMd), Packages.Link(TarEntryType.SymbolicLink, "etc", "/etc")), null },
            { "hardlink", Packages.TarGz(Packages.File("SKILL.md", Packages.SkillMd), Packages.Link(TarEntryType.HardLink, "passwd", "/etc/passwd")), null },
            { "device", Packages.TarGz(Packages.File("SKILL.md", Packages.SkillMd), new PaxTarEntry(TarEntryType.CharacterDevice, "null")), null },
            { "oversized", Packages.TarGz(Packages.File("SKILL.md", Packages.SkillMd), Packages.File("big.bin", new byte[3 * 1024 * 1024])), null },
            { "too-many", Packages.TarGz([.. Enumerable.Range(0, 201).Select(i => (TarEntry)Packages.File($"f{i}.txt", "x"))]), null },
            { "no-skill-md", Packages.TarGz(Packages.File("README.md", "hello")), null },
            { "bad-skill-md", Packages.TarGz(Packages.File("SKILL.md", "no front matter here")), null },
            { "zip-traversal", Packages.Zip(("SKILL.md", "---\nname: a\ndescription: b\n---\n"u8.ToArray(), 0x81A4), ("../escaped.txt", "pwned"u8.ToArray(), 0x81A4)), null },
            { "zip-symlink", Packages.Zip(("SKILL.md", "---\nname: a\ndescription: b\n---\n"u8.ToArray(), 0x81A4), ("etc", "/etc"u8.ToArray(), 0xA1FF)), null },
            { "not-an-archive", "just some text, not an archive"u8.ToArray(), null },
            { "duplicate", Packages.TarGz(Packages.File("SKILL.md", Packages.SkillMd), Packages.File("SKILL.md", "---\nname: other\ndescription: x\n---\n")), null },
            { "file-then-folder", Packages.TarGz(Packages.File("SKILL.md", Packages.SkillMd), Packages.File("notes", "x"), Packages.Folder("notes/")), null },
            { "folder-then-file", Packages.TarGz(Packages.File("SKILL.md", Packages.SkillMd), Packages.Folder("notes/"), Packages.File("notes", "x")), null },
            { "file-under-file", Packages.TarGz(Packages.File("SKILL.md", Packages.SkillMd), Packages.File("notes", "x"), Packages.File("notes/a.md", "y")), null },
            { "zip-duplicate", Packages.Zip(("SKILL.md", "---\nname: a\ndescription: b\n---\n"u8.ToArray(), 0x81A4), ("SKILL.md", "---\nname: c\ndescription: d\n---\n"u8.ToArray(), 0x81A4)), null },
            { "zip-clash", Packages.Zip(("SKILL.md", "---\nname: a\ndescription: b\n---\n"u8.ToArray(), 0x81A4), ("notes", "x"u8.ToArray(), 0x81A4), ("notes/a.md", "y"u8.ToArray(), 0x81A4)), null },
        };
    }

    private static readonly Dictionary<string, string> Reasons = new()
    {
        ["bad-checksum"] = "SHA-256 does not match",
        ["traversal"] = "climbs out of the package with '..'",
        ["deep-traversal"] = "climbs out of the package with '..'",
        ["absolute"] = "absolute or unsafe path",
        ["symlink"] = "is a SymbolicLink",
        ["hardlink"] = "is a HardLink",
        ["device"] = "is a CharacterDevice",
        ["oversized"] = "more than the 2097152 allowed",
        ["too-many"] = "more than 200 members",
        ["no-skill-md"] = "has no SKILL.md",
        ["bad-skill-md"] = "front matter",
        ["zip-traversal"] = "climbs out of the package with '..'",
        ["zip-symlink"] = "link or special file",
        ["not-an-archive"] = "neither a .tar.gz nor a .zip",
        ["duplicate"] = "appears twice",
        ["file-then-folder"] = "both a file and a folder",
        ["folder-then-file"] = "both a file and a folder",
        ["file-under-file"] = "both a file and a folder",
        ["zip-duplicate"] = "appears twice",
        ["zip-clash"] = "both a file and a folder",
    };

    [Theory]
    [MemberData(nameof(HostilePackages))]
    public async Task Hostile_or_broken_packages_are_refused_and_leave_nothing_behind(string id, byte[] package, string? sha256)
    {
        await using var registry = await FakeRegistry.StartAsync();
        registry.AddPackage(id, $"{id}.pkg", package, sha256);
        await using var app = await registry.StartAppAsync();
        using var client = await app.LoginClientAsync();

        using var response = await client.PostAsJsonAsync("/api/registry/install", new { id });

        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("\"PACKAGE_REJECTED\"", text, StringComparison.Ordinal);
        using (var error = JsonDocument.Parse(text))
        {
            Assert.Contains(Reasons[id], error.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        }
        Assert.False(Directory.Exists(Path.Combine(app.DataDir, "skills", id)));
        Assert.False(File.Exists(Path.Combine(app.DataDir, "escaped.txt")));
        Assert.False(File.Exists(Path.Combine(app.DataDir, "skills", "escaped.txt")));
        Assert.False(File.Exists("/tmp/openmotoko-escaped.txt"));
        Assert.Empty(Staging(app));
        using var detail = await RegistrySearchTests.GetJson(client, $"/api/registry/{id}");
        Assert.False(detail.RootElement.GetProperty("installed").GetBoolean());
    }

    [Fact]
    public async Task A_package_larger_than_the_index_says_is_refused()
    {
        await using var registry = await FakeRegistry.StartAsync();
        var package = Packages.TarGz(Packages.File("SKILL.md", Packages.SkillMd), Packages.File("pad.txt", new string('x', 5000)));
        registry.AddPackage("liar", "liar.tar.gz", package, size: 100);
        await using var app = await registry.StartAppAsync();
        using var client = await app.LoginClientAsync();

        using var response = await client.PostAsJsonAsync("/api/registry/install", new { id = "liar" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("more than the 100 allowed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(app.DataDir, "skills", "liar")));
    }

    private static string[] Staging(TestApp app)
    {
        var staging = Path.Combine(app.DataDir, ".registry-staging");
        return Directory.Exists(staging) ? Directory.GetFileSystemEntries(staging) : [];
    }
}
