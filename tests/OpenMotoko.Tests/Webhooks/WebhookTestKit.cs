using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Events;
using OpenMotoko.Tests.Agent;

namespace OpenMotoko.Tests.Webhooks;

/// <summary>Hears the bus from the moment it subscribes; waits for a run's end or an event of a type.</summary>
internal sealed class BusListener : IEventSubscriber, IDisposable
{
    private readonly ConcurrentQueue<AgentEvent> _heard = new();
    private readonly IDisposable _subscription;
    private readonly SemaphoreSlim _signal = new(0);

    private readonly OpenMotoko.Agent.AgentRuns _runs;

    private BusListener(EventBus bus, OpenMotoko.Agent.AgentRuns runs)
    {
        _runs = runs;
        _subscription = bus.Subscribe(this);
    }

    public static BusListener On(TestApp app) =>
        new(app.Services.GetRequiredService<EventBus>(), app.Services.GetRequiredService<OpenMotoko.Agent.AgentRuns>());

    public IReadOnlyList<AgentEvent> Heard => [.. _heard];

    public ValueTask OnEventAsync(AgentEvent e)
    {
        _heard.Enqueue(e);
        _signal.Release();
        return ValueTask.CompletedTask;
    }

    /// <summary>The first event that matches, waiting up to 20 s for it.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool>? match = null) where T : AgentEvent
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            if (_heard.OfType<T>().FirstOrDefault(e => match?.Invoke(e) ?? true) is { } found)
            {
                return found;
            }
            await _signal.WaitAsync(timeout.Token);
        }
    }

    /// <summary>Waits until the run has sent its answer or failed, and has stored its outcome.</summary>
    public async Task<AgentEvent> RunEndAsync(string runId)
    {
        var end = await WaitForAsync<AgentEvent>(e => e.Scope.RunId == runId && e is MessageSent or RunFailed);
        if (_runs.Find(runId) is { } run)
        {
            await run.Completion.WaitAsync(TimeSpan.FromSeconds(20));
        }
        return end;
    }

    public void Dispose() => _subscription.Dispose();
}

internal static class WebhookTestKit
{
    public static async Task<JsonElement> CreateAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync("/api/webhooks", body);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return await AgentHarness.JsonAsync(response);
    }

    public static HttpRequestMessage Trigger(string id, string body, string? secret = null, string? signWith = null, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/webhooks/{id}/trigger") { Content = new StringContent(body, Encoding.UTF8, contentType) };
        if (secret is not null)
        {
            request.Headers.Add("x-webhook-secret", secret);
        }
        if (signWith is not null)
        {
            request.Headers.Add("X-Hub-Signature-256", Signature(signWith, body));
        }
        return request;
    }

    public static string Signature(string secret, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));

    /// <summary>The user message of the last chat request the fake provider received.</summary>
    public static string LastPrompt(AgentHarness h) =>
        h.ChatRequests[^1].GetProperty("messages").EnumerateArray().Last(m => m.GetProperty("role").GetString() == "user").GetProperty("content").GetString()!;
}
