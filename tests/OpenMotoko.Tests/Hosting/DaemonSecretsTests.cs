using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using OpenMotoko.Skills.Shell;
using OpenMotoko.Tests.Agent;
using OpenMotoko.Tests.Providers.OpenAi;
using OpenMotoko.Tests.Storage;

namespace OpenMotoko.Tests.Hosting;

/// <summary>
/// The real daemon (`serve`) as an ordinary user, with bubblewrap out of its PATH and the shell allowed
/// to run unconfined: a command it runs goes after the daemon's environment through /proc and must
/// come back empty-handed. As root the daemon is started as uid 65534 (root may read any process).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DaemonSecretsTests : IDisposable
{
    private const string Password = "hardening-password-51";
    private readonly string _root = Directory.CreateTempSubdirectory("openmotoko-secrets-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_command_without_a_sandbox_cannot_read_the_daemons_secrets_from_proc()
    {
        var apiKey = $"sk-hardening-{Guid.NewGuid():N}";
        // Every ancestor of the command, then every process it can see: the daemon is among them.
        const string command = "p=$$; while [ \"$p\" -gt 1 ]; do echo \"pid $p $(cat /proc/$p/comm)\"; cat /proc/$p/environ | tr '\\0' '\\n'; " +
            "read -r _ _ _ p _ < /proc/$p/stat; done; for f in /proc/[0-9]*/environ; do cat $f; done | tr '\\0' '\\n'; echo end";
        await using var fake = await FakeOpenAi.StartAsync();
        fake.Then(ctx => FakeOpenAi.StreamAsync(ctx, AgentHarness.ToolCallChunks(10, 10, ("call_1", "execute_command", JsonSerializer.Serialize(new { command })))))
            .ThenText("Done.");
        File.SetUnixFileMode(_root, (UnixFileMode)0b111_111_111); // the daemon's user creates its data dir in here
        var environment = new Dictionary<string, string>
        {
            ["OPENMOTOKO_PASSWORD"] = Password,
            ["OPENAI_API_KEY"] = apiKey,
            ["OPENAI_BASE_URL"] = fake.BaseUrl,
            ["PATH"] = WithoutBubblewrap(),
            ["HOME"] = _root,
        };
        await using var daemon = await DaemonProcess.StartAsync(Path.Combine(_root, "data"), environment, AsOrdinaryUser());
        using var client = new HttpClient { BaseAddress = daemon.BaseAddress };
        using (var login = await client.PostAsJsonAsync("/api/auth/login", new { password = Password }))
        {
            var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using (var put = await client.PutAsJsonAsync("/api/settings", new Dictionary<string, object>
        {
            ["defaultModel"] = AgentHarness.Model, ["skills.shell.mode"] = "auto", ["skills.shell.unsandboxed"] = true,
        }))
        {
            put.EnsureSuccessStatusCode();
        }
        using var created = await client.PostAsJsonAsync("/api/conversations", new { });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        using var reply = await client.PostAsJsonAsync($"/api/conversations/{id}/messages", new { content = "Look around" });

        reply.EnsureSuccessStatusCode();
        var chats = fake.Requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).ToList();
        var output = chats[1].Body.GetProperty("messages")[3].GetProperty("content").GetString()!;
        Assert.Contains("end", output);
        Assert.Contains($"pid {daemon.Id} ", output); // the daemon is the command's parent: it was tried

        Assert.DoesNotContain(apiKey, output);
        Assert.DoesNotContain(Password, output);
        Assert.DoesNotContain(apiKey, daemon.Output);
    }

    /// <summary>A PATH with the few programs the command uses and no bwrap (which /usr/bin and, merged, /bin hold).</summary>
    private string WithoutBubblewrap()
    {
        var bin = Directory.CreateDirectory(Path.Combine(_root, "bin")).FullName;
        foreach (var program in new[] { "sh", "cat", "tr", "setsid" })
        {
            File.CreateSymbolicLink(Path.Combine(bin, program), Executables.Find(program, Executables.SearchPath)!);
        }
        Assert.Null(Executables.Find("bwrap", bin));
        return bin;
    }

    /// <summary>setpriv to uid 65534 when the tests run as root; nothing otherwise (the tests' own user is ordinary).</summary>
    private static string[] AsOrdinaryUser()
    {
        var dotnet = Executables.Find("dotnet", Executables.SearchPath) ?? throw new InvalidOperationException("dotnet is not on PATH");
        return OpenMotoko.Cli.Posix.IsRoot
            ? ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", dotnet]
            : [dotnet];
    }
}
