using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Agent;
using OpenMotoko.Costs;
using OpenMotoko.Storage;

namespace OpenMotoko.Tests.Costs;

/// <summary>Drives the registered LLM call observers the way the agent loop does, and reads the results back.</summary>
internal static class CostTestKit
{
    /// <summary>One LLM call: every observer before it (may throw), then every observer after it with the priced usage.</summary>
    public static async Task CallAsync(TestApp app, string provider, string model, long input, long output, string conversationId = "conv-1")
    {
        var observers = app.Services.GetServices<ILlmCallObserver>().ToList();
        Assert.NotEmpty(observers);
        var call = new LlmCall(conversationId, provider, model);
        foreach (var observer in observers)
        {
            await observer.BeforeCallAsync(call, CancellationToken.None);
        }
        var priced = PricingTable.Price(provider, model, input, output);
        foreach (var observer in observers)
        {
            await observer.AfterCallAsync(call, input, output, priced.Cost, priced.PriceKnown, CancellationToken.None);
        }
    }

    public static async Task<AgentStopException> RefusedAsync(TestApp app, string provider = "anthropic", string model = "claude-sonnet-4-5") =>
        await Assert.ThrowsAsync<AgentStopException>(() => CallAsync(app, provider, model, 1, 1));

    public static async Task PutAsync(HttpClient client, string path, object body)
    {
        using var response = await client.PutAsJsonAsync(path, body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Moves the fake clock forward to <paramref name="utc"/>.</summary>
    public static void AdvanceTo(TestApp app, string utc) =>
        app.Time.Advance(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture) - app.Time.GetUtcNow());

    /// <summary>
    /// Reads one column of every row straight from the database file, on a connection of its own as
    /// another process would. First stores the records the daemon has deferred (activity and usage
    /// rows wait for the next write transaction) unless <paramref name="flushFirst"/> is false.
    /// </summary>
    public static List<string> ReadColumn(TestApp app, string sql, bool flushFirst = true)
    {
        if (flushFirst)
        {
            app.Services.GetRequiredService<Database>().FlushAsync().GetAwaiter().GetResult();
        }
        using var connection = new SqliteConnection($"Data Source={app.DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        }
        return values;
    }
}
