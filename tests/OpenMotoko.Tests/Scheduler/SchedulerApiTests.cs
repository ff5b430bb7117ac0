using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static OpenMotoko.Tests.Scheduler.SchedulerTestKit;

namespace OpenMotoko.Tests.Scheduler;

public sealed class SchedulerApiTests
{
    private static readonly object Prompt = new { prompt = "Say hi" };

    public static TheoryData<string, string> InvalidBodies => new()
    {
        { """{"name":"x","cron":"61 * * * *","payload":{"prompt":"p"}}""", "cron" },
        { """{"name":"x","cron":"* * *","payload":{"prompt":"p"}}""", "cron" },
        { """{"name":"x","cron":"0 8 * * *","timezone":"Mars/Olympus","payload":{"prompt":"p"}}""", "timezone" },
        { """{"name":"x","runAt":1000,"payload":{"prompt":"p"}}""", "runAt" },
        { """{"name":"x","cron":"0 8 * * *","runAt":4102444800000,"payload":{"prompt":"p"}}""", "runAt" },
        { """{"name":"x","payload":{"prompt":"p"}}""", "cron" },
        { """{"name":"x","cron":"0 8 * * *","handler":"email","payload":{}}""", "handler" },
        { """{"name":"x","cron":"0 8 * * *","payload":{}}""", "payload.prompt" },
        { """{"name":"x","cron":"0 8 * * *","handler":"backup","payload":{"keep":0}}""", "payload.keep" },
        { """{"name":"","cron":"0 8 * * *","payload":{"prompt":"p"}}""", "name" },
        { """{"name":"x","cron":"0 8 * * *","payload":{"prompt":"p"},"maxRetries":11}""", "maxRetries" },
        { """{"name":"x","cron":"0 8 * * *","payload":{"prompt":"p"},"timeoutSec":5}""", "timeoutSec" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task An_invalid_task_is_refused_naming_the_field(string body, string path)
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();
        using var response = await client.PostAsync("/api/scheduler/tasks", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var json = await JsonAsync(response);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("VALIDATION_ERROR", json.GetProperty("code").GetString());
        Assert.Contains(json.GetProperty("details").EnumerateArray(), d => d.GetProperty("path").GetString() == path);
        Assert.Equal(0, (await JsonAsync(await client.GetAsync("/api/scheduler/tasks"))).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_task_is_created_edited_toggled_listed_and_deleted()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();
        var task = await CreateAsync(client, new { name = "Morning", cron = "0 8 * * *", timezone = "Europe/Berlin", payload = Prompt });
        var id = task.GetProperty("id").GetString()!;
        Assert.Equal(Ms("2026-11-29T07:00:00Z"), task.GetProperty("nextRunAt").GetInt64());
        Assert.Equal("agent", task.GetProperty("handler").GetString());
        Assert.Equal("idle", task.GetProperty("status").GetString());
        Assert.Equal(3, task.GetProperty("maxRetries").GetInt32());
        Assert.Equal(300, task.GetProperty("timeoutSec").GetInt32());
        Assert.Equal("Say hi", task.GetProperty("payload").GetProperty("prompt").GetString());

        using (var put = await client.PutAsJsonAsync($"/api/scheduler/tasks/{id}", new { cron = "0 9 * * *", timezone = "UTC" }))
        {
            var edited = await JsonAsync(put);
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            Assert.Equal(Ms("2026-11-29T09:00:00Z"), edited.GetProperty("nextRunAt").GetInt64()); // recomputed
            Assert.Equal("Morning", edited.GetProperty("name").GetString());
        }
        using (var badPut = await client.PutAsJsonAsync($"/api/scheduler/tasks/{id}", new { timezone = "Nowhere/Land" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badPut.StatusCode);
        }

        using (var toggle = await client.PostAsync($"/api/scheduler/tasks/{id}/toggle", null))
        {
            var off = await JsonAsync(toggle);
            Assert.False(off.GetProperty("enabled").GetBoolean());
            Assert.Equal(JsonValueKind.Null, off.GetProperty("nextRunAt").ValueKind);
        }
        using (var toggle = await client.PostAsync($"/api/scheduler/tasks/{id}/toggle", null))
        {
            Assert.True((await JsonAsync(toggle)).GetProperty("enabled").GetBoolean());
        }

        var list = await JsonAsync(await client.GetAsync("/api/scheduler/tasks?limit=10&offset=0"));
        Assert.Equal(1, list.GetProperty("total").GetInt32());
        using (var badPage = await client.GetAsync("/api/scheduler/tasks?limit=0"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badPage.StatusCode);
        }

        using (var delete = await client.DeleteAsync($"/api/scheduler/tasks/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }
        foreach (var request in new[]
                 {
                     new HttpRequestMessage(HttpMethod.Delete, $"/api/scheduler/tasks/{id}"),
                     new HttpRequestMessage(HttpMethod.Post, $"/api/scheduler/tasks/{id}/toggle"),
                     new HttpRequestMessage(HttpMethod.Post, $"/api/scheduler/tasks/{id}/run"),
                     new HttpRequestMessage(HttpMethod.Get, $"/api/scheduler/tasks/{id}/runs"),
                     new HttpRequestMessage(HttpMethod.Put, $"/api/scheduler/tasks/{id}") { Content = JsonContent.Create(new { name = "y" }) },
                 })
        {
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("NOT_FOUND", (await JsonAsync(response)).GetProperty("code").GetString());
        }
    }

    [Fact]
    public async Task The_routes_need_a_login()
    {
        await using var app = await TestApp.StartAsync();
        using var response = await app.Client.GetAsync("/api/scheduler/tasks");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
