using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Tests.Providers.OpenAi;

namespace OpenMotoko.Tests.Channels.Plugins;

/// <summary>
/// A daemon with a fake OpenAI provider and the reference plugin (docs/examples/channel-plugin, a real
/// node child process) installed as channel <see cref="Id"/>, and an HTTP client for the plugin's own loopback port.
/// </summary>
internal sealed class PluginHarness : IAsyncDisposable
{
    public const string Id = "loopback";

    private PluginHarness(TestApp app, FakeOpenAi model, HttpClient client, string scratch)
    {
        App = app;
        Model = model;
        Client = client;
        Scratch = scratch;
    }

    public TestApp App { get; }
    public FakeOpenAi Model { get; }
    public HttpClient Client { get; set; }
    public string Scratch { get; }
    public string PortFile => Path.Combine(Scratch, "port");
    public HttpClient Plugin { get; private set; } = new();

    public int ModelCalls => Model.Requests.Count(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal));

    public static string ExampleDir
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "docs", "examples", "channel-plugin");
                if (File.Exists(Path.Combine(candidate, "package.json")))
                {
                    return candidate;
                }
            }
            throw new InvalidOperationException("docs/examples/channel-plugin not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Starts the daemon and installs the reference plugin; unless <paramref name="install"/> is false, configures it and waits until it listens.</summary>
    public static async Task<PluginHarness> StartAsync(bool install = true, string dmPolicy = "open", Dictionary<string, string>? extraEnvironment = null,
        string? settingsJson = null, Microsoft.Extensions.Logging.ILoggerProvider? logs = null)
    {
        var model = await FakeOpenAi.StartAsync();
        var environment = new Dictionary<string, string>
        {
            ["OPENMOTOKO_PASSWORD"] = TestApp.Password,
            ["OPENAI_API_KEY"] = "sk-test-plugins-0123456789",
            ["OPENAI_BASE_URL"] = model.BaseUrl,
        };
        foreach (var (name, value) in extraEnvironment ?? [])
        {
            environment[name] = value;
        }
        var app = logs is null ? await TestApp.StartAsync(environment)
            : await TestApp.StartAsync(environment, configureServices: services => services.AddSingleton(logs),
                logLevel: Microsoft.Extensions.Logging.LogLevel.Information);
        await Providers.Routing.RouterTestKit.SetAsync(app, settingsJson ?? """{"defaultModel": "openai/gpt-4o-mini", "app.timezone": "UTC"}""");
        var h = new PluginHarness(app, model, await app.LoginClientAsync(), Directory.CreateTempSubdirectory("openmotoko-plugin-").FullName);
        if (install)
        {
            using var response = await h.Client.PostAsJsonAsync("/api/channel-plugins/install", new { path = ExampleDir, id = Id });
            Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
            await h.WaitForNameAsync();
            await h.ConfigureAsync(new { dmPolicy, config = new { portFile = h.PortFile } });
        }
        return h;
    }

    /// <summary>Waits until the plugin's hello was stored (its name shows).</summary>
    public async Task WaitForNameAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await Client.GetFromJsonAsync<JsonElement>($"/api/channel-plugins/{Id}")).GetProperty("name").ValueKind == JsonValueKind.Null)
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for the plugin's hello");
            await Task.Delay(50);
        }
    }

    /// <summary>PUTs the channel settings (restarting the plugin) and waits until it listens again.</summary>
    public async Task ConfigureAsync(object body, string? token = null)
    {
        File.Delete(PortFile);
        using var response = await Client.PutAsJsonAsync($"/api/channels/{Id}", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        await ConnectAsync(token);
    }

    /// <summary>Waits for the plugin's port file (written once it listens) and points <see cref="Plugin"/> at it.</summary>
    public async Task ConnectAsync(string? token = null)
    {
        await ChannelHarness.WaitUntilAsync(() => File.Exists(PortFile) && File.ReadAllText(PortFile).Length > 0, "the plugin to listen", 60);
        Plugin.Dispose();
        Plugin = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:" + File.ReadAllText(PortFile).Trim()) };
        if (token is not null)
        {
            Plugin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        await WaitForStatusAsync("running");
    }

    public async Task SayAsync(string chatId, string senderId, string text)
    {
        using var response = await Plugin.PostAsJsonAsync("/inbound", new { chatId, senderId, senderName = "Tester", text });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>What the plugin recorded for a chat: {messageId, chatId, text, format, buttons, edits} per message.</summary>
    public async Task<JsonElement[]> SentAsync(string chatId) =>
        [.. (await Plugin.GetFromJsonAsync<JsonElement>("/sent?chatId=" + Uri.EscapeDataString(chatId))).EnumerateArray()];

    /// <summary>The texts the plugin shows in a chat (each message with its latest edit), in order.</summary>
    public async Task<string[]> ShownAsync(string chatId)
    {
        var sent = await Plugin.GetFromJsonAsync<JsonElement>("/sent?chatId=" + Uri.EscapeDataString(chatId));
        return [.. sent.EnumerateArray().Select(m => m.GetProperty("text").GetString()!)];
    }

    public async Task WaitForShownAsync(string chatId, Func<string[], bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string[] shown;
        while (!condition(shown = await ShownAsync(chatId)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}; chat {chatId} shows: {string.Join(" | ", shown)}");
            await Task.Delay(50);
        }
    }

    public async Task<JsonElement> ChannelAsync() =>
        (await Client.GetFromJsonAsync<JsonElement>("/api/channels")).EnumerateArray().Single(c => c.GetProperty("id").GetString() == Id);

    public async Task WaitForStatusAsync(string status, string? errorContains = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement channel;
        while ((channel = await ChannelAsync()).GetProperty("status").GetString() != status
               || (errorContains is not null && channel.GetProperty("lastError").GetString()?.Contains(errorContains, StringComparison.Ordinal) != true))
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for status {status} {errorContains}; channel is {channel}");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Plugin.Dispose();
        Client.Dispose();
        await App.DisposeAsync();
        await Model.DisposeAsync();
        Directory.Delete(Scratch, recursive: true);
    }
}
