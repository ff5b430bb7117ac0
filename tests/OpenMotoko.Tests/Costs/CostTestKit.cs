using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Events;
using OpenMotoko.Hosting;
using OpenMotoko.Providers;
using OpenMotoko.Costs;
using OpenMotoko.Storage;

namespace OpenMotoko.Tests.Costs;

/// <summary>Drives the budget guard the way the router does, and reads the results back.</summary>
internal static class CostTestKit
{
    /// <summary>One LLM call: every registered gate before it (may throw), then the priced call published on the bus, then the gates' holds released.</summary>
    public static async Task CallAsync(TestApp app, string provider, string model, long input, long output, string conversationId = "conv-1")
    {
        var gates = app.Services.GetServices<ILlmCallGate>().ToList();
        Assert.NotEmpty(gates);
        var call = new LlmCall(conversationId, provider, model);
        var holds = new List<IDisposable?>();
        foreach (var gate in gates)
        {
            holds.Add(await gate.BeforeCallAsync(call, CancellationToken.None));
        }
        var priced = PricingTable.Price(provider, model, input, output);
        await app.Services.GetRequiredService<EventBus>().PublishAsync(
            new LlmCompleted(new EventScope(null, conversationId, null), provider, model, input, output, priced.Cost, priced.PriceKnown));
        holds.ForEach(hold => hold?.Dispose());
    }

    public static async Task<ApiException> RefusedAsync(TestApp app, string provider = "anthropic", string model = "claude-sonnet-4-5") =>
        await Assert.ThrowsAsync<ApiException>(() => CallAsync(app, provider, model, 1, 1));

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
