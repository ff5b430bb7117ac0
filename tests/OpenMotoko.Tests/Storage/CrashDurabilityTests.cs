using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using OpenMotoko.Tests.Hosting;

namespace OpenMotoko.Tests.Storage;

/// <summary>The real daemon process: SIGKILL in the middle of writes, SIGTERM, and what it logs.</summary>
public sealed class CrashDurabilityTests : IDisposable
{
    private const string Password = "process-test-password-7";
    private static readonly string[] Keys = ["systemPrompt", "defaultModel", "llm.alias.balanced", "llm.alias.fast"];
    private readonly string _dataDir = Directory.CreateTempSubdirectory("openmotoko-proc-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }

    private static async Task<string> LoginAsync(HttpClient client, string password = Password)
    {
        using var response = await client.PostAsJsonAsync("/api/auth/login", new { password });
        return (await Envelope.ReadJsonAsync(response)).GetProperty("token").GetString()!;
    }

    [Fact]
    public async Task Sigkill_during_writes_loses_no_acknowledged_write_and_leaves_a_sound_database()
    {
        await using var daemon = await DaemonProcess.StartAsync(_dataDir, new Dictionary<string, string> { ["OPENMOTOKO_PASSWORD"] = Password });
        using var client = new HttpClient { BaseAddress = daemon.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await LoginAsync(client));
        var acknowledged = new int[Keys.Length];
        var total = 0;
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();

        // One sequential writer per key: the stored value may be ahead of the last 200 (a write in flight), never behind.
        var writers = Keys.Select((key, k) => Task.Run(async () =>
        {
            for (var n = 1; !stop.IsCancellationRequested; n++)
            {
                try
                {
                    using var response = await client.PutAsync("/api/settings", Envelope.Json($"{{\"{key}\":\"write-{n}\"}}"));
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        Volatile.Write(ref acknowledged[k], n);
                        if (Interlocked.Increment(ref total) >= 400)
                        {
                            enough.TrySetResult();
                        }
                    }
                }
                catch (HttpRequestException)
                {
                    return; // the daemon is gone
                }
            }
        })).ToArray();

        // Kill once 400 writes were acknowledged (or fail if the writers stop first).
        await Task.WhenAny(enough.Task, Task.WhenAll(writers)).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(enough.Task.IsCompleted, $"the writers stopped early:\n{daemon.Output}");
        daemon.Signal("KILL");
        var exitCode = await daemon.WaitForExitAsync(TimeSpan.FromSeconds(30));
        var lastAcknowledged = acknowledged.ToArray();
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        Assert.Equal(137, exitCode);
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_dataDir, "openmotoko.db")};Pooling=False");
        connection.Open();
        using (var check = connection.CreateCommand())
        {
            check.CommandText = "PRAGMA integrity_check;";
            Assert.Equal("ok", check.ExecuteScalar());
        }
        for (var k = 0; k < Keys.Length; k++)
        {
            using var read = connection.CreateCommand();
            read.CommandText = "SELECT value FROM settings WHERE key = $key";
            read.Parameters.AddWithValue("$key", Keys[k]);
            var stored = JsonSerializer.Deserialize<string>((string)read.ExecuteScalar()!)!;
            var n = int.Parse(stored["write-".Length..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(n >= lastAcknowledged[k], $"{Keys[k]}: write {lastAcknowledged[k]} was acknowledged but the database holds {n}");
        }
        connection.Close();

        // And the daemon starts again on it, with the session from before the crash still valid.
        await using var again = await DaemonProcess.StartAsync(_dataDir, new Dictionary<string, string> { ["OPENMOTOKO_PASSWORD"] = Password });
        using var after = new HttpClient { BaseAddress = again.BaseAddress };
        after.DefaultRequestHeaders.Authorization = client.DefaultRequestHeaders.Authorization;
        Assert.Equal(HttpStatusCode.OK, (await after.GetAsync("/api/settings")).StatusCode);
    }

    [Fact]
    public async Task Sigterm_stops_cleanly_with_exit_0_and_no_secret_reaches_the_log()
    {
        await using var daemon = await DaemonProcess.StartAsync(_dataDir, new Dictionary<string, string>
        {
            ["OPENMOTOKO_PASSWORD"] = Password,
            ["OPENMOTOKO_LOG_LEVEL"] = "Debug",
            ["ANTHROPIC_API_KEY"] = "sk-ant-log-canary-0123456789",
        });
        using var client = new HttpClient { BaseAddress = daemon.BaseAddress };
        var token = await LoginAsync(client);
        using (var wrong = await client.PostAsJsonAsync("/api/auth/login", new { password = "wrong-canary-password" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        (await client.PutAsync("/api/settings", Envelope.Json("{\"openaiApiKey\":\"sk-openai-log-canary-abcdef\"}"))).EnsureSuccessStatusCode();
        using (var bad = new HttpRequestMessage(HttpMethod.Get, "/api/settings"))
        {
            bad.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "forged-token-canary-xyz");
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(bad)).StatusCode);
        }
        (await client.PostAsync("/api/auth/logout", null)).EnsureSuccessStatusCode();

        daemon.Signal("TERM");
        var exitCode = await daemon.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(exitCode == 0, $"exit {exitCode}:\n{daemon.Output}");
        var log = daemon.Output;
        Assert.Contains("listening on http://127.0.0.1:", log, StringComparison.Ordinal);
        Assert.Contains("Failed login", log, StringComparison.Ordinal);
        foreach (var secret in new[] { Password, "wrong-canary-password", token, "forged-token-canary-xyz", "sk-ant-log-canary-0123456789", "sk-openai-log-canary-abcdef" })
        {
            Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
        }
        var wal = Path.Combine(_dataDir, "openmotoko.db-wal");
        Assert.True(!File.Exists(wal) || new FileInfo(wal).Length == 0, "the WAL was not checkpointed on shutdown");
    }

    [Fact]
    public async Task Sigint_stops_cleanly_too_and_without_a_password_the_log_says_loopback_only()
    {
        await using var daemon = await DaemonProcess.StartAsync(_dataDir, new Dictionary<string, string>());

        daemon.Signal("INT");

        Assert.Equal(0, await daemon.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        // Read after exit: the warning goes to stderr and may trail the "listening" line on stdout.
        Assert.Contains("No password is set: serving on loopback only", daemon.Output, StringComparison.Ordinal);
        Assert.Equal(1, daemon.Output.Split('\n').Count(l => l.Contains("listening on http://127.0.0.1:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Serve_refuses_a_non_loopback_host_without_a_password_with_a_clear_message()
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            ArgumentList = { DaemonProcess.DaemonDll, "serve", "--host", "0.0.0.0", "--port", "0", "--data-dir", _dataDir },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Remove("OPENMOTOKO_PASSWORD");
        using var process = System.Diagnostics.Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(3, process.ExitCode);
        Assert.Contains("Refusing to listen on 0.0.0.0", await stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", await stderr + await stdout, StringComparison.Ordinal);
    }
}
