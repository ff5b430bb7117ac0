using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Providers;

namespace OpenMotoko.Tests.Providers.Fakes;

/// <summary>Starts the real daemon with provider env vars pointing at a fake, and reads provider streams.</summary>
internal static class WireProviderApp
{
    public static async Task<(TestApp App, ILlmProvider Provider)> StartAsync(string providerId, Dictionary<string, string> environment)
    {
        environment["OPENMOTOKO_PASSWORD"] = TestApp.Password;
        var app = await TestApp.StartAsync(environment);
        var provider = app.Services.GetServices<ILlmProvider>().Single(p => p.Id == providerId);
        return (app, provider);
    }

    public static async Task<List<ChatStreamEvent>> CollectAsync(ILlmProvider provider, ChatRequest request)
    {
        var events = new List<ChatStreamEvent>();
        await foreach (var item in provider.StreamAsync(request, CancellationToken.None))
        {
            events.Add(item);
        }
        return events;
    }

    public static JsonElement Json(string text)
    {
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public static string Texts(IEnumerable<ChatStreamEvent> events) => string.Concat(events.OfType<TextDelta>().Select(d => d.Text));

    public static ToolDefinition WeatherTool { get; } = new("get_weather", "Current weather for a city",
        Json("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false,"$schema":"http://json-schema.org/draft-07/schema#"}"""));

    public static ChatRequest Ask(string model, string text, params ToolDefinition[] tools) =>
        new(model, "You are terse.", [new ChatMessage(ChatRole.User, text)], tools);
}
