using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using OpenMotoko.Tests.Hosting;

namespace OpenMotoko.Tests.Registry;

/// <summary>
/// Packages built to exhaust memory through tar metadata (PAX and GNU long-name headers), installed
/// through the real API: refused with 422 while the daemon's allocations stay small.
/// </summary>
[Collection("allocations")]
public sealed class HostileArchiveTests
{
    private const long MaxAllocated = 32L * 1024 * 1024;

    public static TheoryData<string> Bombs() => ["pax-bomb", "global-pax-bomb", "long-name-bomb", "long-link-bomb", "big-header-flood", "header-flood"];

    [Theory]
    [MemberData(nameof(Bombs))]
    public async Task A_metadata_bomb_is_refused_quickly_with_bounded_memory(string id)
    {
        var package = Build(id);
        Assert.True(package.Length < 2 * 1024 * 1024, $"{id} is {package.Length} bytes");
        await using var registry = await FakeRegistry.StartAsync();
        registry.AddPackage(id, $"{id}.tar.gz", package);
        await using var app = await registry.StartAppAsync();
        using var client = await app.LoginClientAsync();
        (await client.PostAsync("/api/registry/refresh", null)).EnsureSuccessStatusCode();

        var clock = Stopwatch.StartNew();
        var (allocated, response) = await Allocations.MeasureAsync(() => client.PostAsJsonAsync("/api/registry/install", new { id }));
        clock.Stop();

        using (response)
        {
            var envelope = await Envelope.AssertAsync(response, HttpStatusCode.UnprocessableEntity, "PACKAGE_REJECTED");
            Assert.Contains("header", envelope.GetProperty("error").GetString(), StringComparison.Ordinal);
        }
        Assert.True(allocated < MaxAllocated, $"{id}: allocated {allocated / 1024 / 1024} MB");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"{id}: took {clock.Elapsed}");
        Assert.False(Directory.Exists(Path.Combine(app.DataDir, "skills", id)));
    }

    private static byte[] Build(string id)
    {
        const int MiB = 1024 * 1024;
        using var tar = new RawTar();
        switch (id)
        {
            case "pax-bomb": // one 'x' header of 200 MiB in front of a good SKILL.md
                tar.Filled("PaxHeaders/SKILL.md", 'x', 200 * MiB, $"{200 * MiB} comment=", (byte)'a', "\n");
                break;
            case "global-pax-bomb":
                tar.Filled("GlobalHead", 'g', 100 * MiB, $"{100 * MiB} comment=", (byte)'a', "\n");
                break;
            case "long-name-bomb":
                tar.Filled("././@LongLink", 'L', 300 * MiB, "", (byte)'n', "\0");
                break;
            case "long-link-bomb":
                tar.Filled("././@LongLink", 'K', 300 * MiB, "", (byte)'k', "\0");
                break;
            case "big-header-flood": // each header under any sane per-header cap; together 120 MiB
                for (var i = 0; i < 2000; i++)
                {
                    tar.Filled("GlobalHead", 'g', 60 * 1024, $"{60 * 1024} comment=", (byte)'a', "\n");
                }
                break;
            case "header-flood": // tens of thousands of tiny headers, each allocating on its own
                var record = RawTar.PaxRecord("comment", "x");
                for (var i = 0; i < 50_000; i++)
                {
                    tar.Member("GlobalHead", 'g', record);
                }
                break;
        }
        tar.File("SKILL.md", Packages.SkillMd);
        return tar.ToArray();
    }
}
