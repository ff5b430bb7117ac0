using System.Net.Http.Json;
using System.Text.Json;
using OpenMotoko.Tests.Providers.OpenAi;

namespace OpenMotoko.Tests.Channels;

/// <summary>A daemon with Telegram pointed at a <see cref="FakeBotApi"/> and a fake OpenAI provider, and a logged-in client.</summary>
internal sealed class ChannelHarness : IAsyncDisposable
{
    public const long Owner = 4242;
    public const long OwnerChat = 4242;

    private ChannelHarness(TestApp app, FakeBotApi bot, FakeOpenAi model, HttpClient client)
    {
        App = app;
        Bot = bot;
        Model = model;
        Client = client;
    }

    public TestApp App { get; }
    public FakeBotApi Bot { get; }
    public FakeOpenAi Model { get; }
    public HttpClient Client { get; }

    public int ModelCalls => Model.Requests.Count(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal));

    public static async Task<ChannelHarness> StartAsync(bool withToken = true, string? settingsJson = null, Action<FakeBotApi>? script = null)
    {
        var bot = await FakeBotApi.StartAsync();
        script?.Invoke(bot);
        var model = await FakeOpenAi.StartAsync();
        var environment = new Dictionary<string, string>
        {
            ["OPENMOTOKO_PASSWORD"] = TestApp.Password,
            ["OPENAI_API_KEY"] = "sk-test-channels-0123456789",
            ["OPENAI_BASE_URL"] = model.BaseUrl,
            ["TELEGRAM_API_BASE_URL"] = bot.BaseUrl,
        };
        if (withToken)
        {
            environment["TELEGRAM_BOT_TOKEN"] = FakeBotApi.Token;
        }
        var app = await TestApp.StartAsync(environment);
        await Providers.Routing.RouterTestKit.SetAsync(app, settingsJson ?? """{"defaultModel": "openai/gpt-4o-mini", "app.timezone": "UTC"}""");
        return new ChannelHarness(app, bot, model, await app.LoginClientAsync());
    }

    /// <summary>Waits (real time, bounded) until <paramref name="condition"/> holds; fails the test otherwise.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, int seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for: {what}");
            await Task.Delay(20);
        }
    }

    /// <summary>Moves the daemon's clock a second at a time until <paramref name="condition"/> holds (at most <paramref name="maxSeconds"/>).</summary>
    public async Task AdvanceUntilAsync(Func<bool> condition, string what, int maxSeconds = 120)
    {
        for (var i = 0; i < maxSeconds && !condition(); i++)
        {
            App.Time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(30);
        }
        await WaitUntilAsync(condition, what, 5);
    }

    /// <summary>What chat <paramref name="chatId"/> shows: each message the bot sent (with its latest edit), in order.</summary>
    public string[] SentTo(long chatId)
    {
        lock (Bot.Shown)
        {
            return [.. Bot.Shown.Where(m => m.Chat == chatId).Select(m => m.Text)];
        }
    }

    public Task WaitForRepliesAsync(long chatId, int count) =>
        WaitUntilAsync(() => SentTo(chatId).Length >= count, $"{count} message(s) sent to chat {chatId}");

    /// <summary>Waits until chat <paramref name="chatId"/> shows <paramref name="text"/> as its message number <paramref name="index"/>.</summary>
    public Task WaitForTextAsync(long chatId, int index, string text) =>
        WaitUntilAsync(() => SentTo(chatId) is var shown && shown.Length > index && shown[index] == text,
            $"chat {chatId} to show '{text}' as message {index} (shows: {string.Join(" | ", SentTo(chatId))})");

    /// <summary>Approves <paramref name="sender"/> by sending a first message and approving the code it got.</summary>
    public async Task PairAsync(long sender)
    {
        var before = SentTo(sender).Length;
        Bot.AddMessage(sender, sender, "hello?");
        await WaitForRepliesAsync(sender, before + 1);
        var code = PairingCode(SentTo(sender)[^1]);
        using var response = await Client.PostAsync($"/api/channels/telegram/pairing/{code}/approve", null);
        response.EnsureSuccessStatusCode();
        await WaitForRepliesAsync(sender, before + 2);
    }

    public static string PairingCode(string reply) =>
        System.Text.RegularExpressions.Regex.Match(reply, @"pairing code is (\d{6})").Groups[1].Value;

    /// <summary>Lets anyone talk to the bot (dmPolicy open) with the given extra config, and waits until it polls again.</summary>
    public async Task OpenAsync(object? config = null)
    {
        using var response = await Client.PutAsJsonAsync("/api/channels/telegram", new { dmPolicy = "open", config = config ?? new { } });
        response.EnsureSuccessStatusCode();
        await WaitForStatusAsync("running");
    }

    public async Task<JsonElement> ChannelAsync()
    {
        var channels = await Client.GetFromJsonAsync<JsonElement>("/api/channels");
        return channels.EnumerateArray().Single(c => c.GetProperty("id").GetString() == "telegram");
    }

    public async Task WaitForStatusAsync(string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while ((await ChannelAsync()).GetProperty("status").GetString() != status)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for channel status {status}");
            await Task.Delay(30);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        await Bot.DisposeAsync();
        await Model.DisposeAsync();
    }
}
