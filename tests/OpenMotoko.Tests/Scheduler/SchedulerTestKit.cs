using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace OpenMotoko.Tests.Scheduler;

/// <summary>Creating tasks and reading their runs over the real API, and waiting for the loop's work to show.</summary>
internal static class SchedulerTestKit
{
    public static async Task<JsonElement> CreateAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync("/api/scheduler/tasks", body);
        var json = await JsonAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, json.ToString());
        return json;
    }

    public static async Task<JsonElement> GetTaskAsync(HttpClient client, string id)
    {
        using var response = await client.GetAsync($"/api/scheduler/tasks?limit=100");
        var list = await JsonAsync(response);
        return list.GetProperty("items").EnumerateArray().Single(t => t.GetProperty("id").GetString() == id);
    }

    public static async Task<JsonElement[]> RunsAsync(HttpClient client, string taskId)
    {
        using var response = await client.GetAsync($"/api/scheduler/tasks/{taskId}/runs?limit=100");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await JsonAsync(response)).GetProperty("items").EnumerateArray()];
    }

    /// <summary>Waits (in real time, the loop runs on its own thread) until the task's runs satisfy <paramref name="done"/>.</summary>
    public static async Task<JsonElement[]> WaitForRunsAsync(HttpClient client, string taskId, Func<JsonElement[], bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var runs = await RunsAsync(client, taskId);
            if (done(runs))
            {
                return runs;
            }
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting; runs: {JsonSerializer.Serialize(runs)}");
            await Task.Delay(10);
        }
    }

    public static bool Finished(JsonElement run) => run.GetProperty("status").GetString() != "running";

    public static string Status(JsonElement run) => run.GetProperty("status").GetString()!;

    public static string Trigger(JsonElement run) => run.GetProperty("trigger").GetString()!;

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public static long Ms(string utc) => DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
}
