using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Events;
using static OpenMotoko.Tests.Costs.CostTestKit;

namespace OpenMotoko.Tests.Activity;

public sealed class ActivityApiTests
{
    private static async Task<TestApp> StartWithEventsAsync()
    {
        var app = await TestApp.StartAsync();
        var bus = app.Services.GetRequiredService<EventBus>();
        for (var i = 0; i < 25; i++)
        {
            var scope = new EventScope($"run-{i}", $"conv-{i % 2}", i % 5 == 0 ? "telegram" : "web");
            await bus.PublishAsync(i % 3 == 0
                ? new ToolCalled(scope.ForSkill("shell"), $"call-{i}", "execute_command", JsonDocument.Parse($$"""{"n":{{i}}}""").RootElement)
                : new MessageReceived(scope, i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            app.Time.Advance(TimeSpan.FromSeconds(1));
        }
        return app;
    }

    /// <summary>The number each stored event carries: in a tool call's arguments, or as a message's text.</summary>
    private static List<int> Numbers(JsonElement page) =>
        [.. page.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("data")).Select(data =>
            data.TryGetProperty("arguments", out var arguments)
                ? JsonDocument.Parse(arguments.GetString()!).RootElement.GetProperty("n").GetInt32()
                : int.Parse(data.GetProperty("preview").GetString()!, System.Globalization.CultureInfo.InvariantCulture))];

    [Fact]
    public async Task Lists_newest_first_with_paging_and_a_total()
    {
        await using var app = await StartWithEventsAsync();
        using var client = await app.LoginClientAsync();

        var first = await GetJsonAsync(client, "/api/activity");
        Assert.Equal(25, first.GetProperty("total").GetInt32());
        Assert.Equal(Enumerable.Range(5, 20).Reverse(), Numbers(first));
        var newest = first.GetProperty("items")[0];
        Assert.Equal("tool:called", newest.GetProperty("type").GetString());
        Assert.Equal("conv-0", newest.GetProperty("conversationId").GetString());
        Assert.Equal("web", newest.GetProperty("channel").GetString());
        Assert.Equal("shell", newest.GetProperty("skillId").GetString());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("items")[1].GetProperty("skillId").ValueKind);
        Assert.Equal(JsonValueKind.String, newest.GetProperty("id").ValueKind);
        Assert.Equal(app.Time.GetUtcNow().AddSeconds(-1).ToUnixTimeMilliseconds(), newest.GetProperty("createdAt").GetInt64());

        var last = await GetJsonAsync(client, "/api/activity?limit=10&offset=20");
        Assert.Equal([4, 3, 2, 1, 0], Numbers(last));
        Assert.Equal(25, last.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Filters_by_type_channel_skill_and_conversation()
    {
        await using var app = await StartWithEventsAsync();
        using var client = await app.LoginClientAsync();

        var tools = await GetJsonAsync(client, "/api/activity?type=tool:called&limit=100");
        Assert.Equal([24, 21, 18, 15, 12, 9, 6, 3, 0], Numbers(tools));
        Assert.Equal(9, tools.GetProperty("total").GetInt32());
        Assert.Equal([24, 21, 18, 15, 12, 9, 6, 3, 0], Numbers(await GetJsonAsync(client, "/api/activity?skillId=shell&limit=100")));
        Assert.Equal([20, 15, 10, 5, 0], Numbers(await GetJsonAsync(client, "/api/activity?channel=telegram")));
        Assert.Equal([21, 15, 9, 3], Numbers(await GetJsonAsync(client, "/api/activity?conversationId=conv-1&type=tool:called")));
        var none = await GetJsonAsync(client, "/api/activity?type=webhook:fired");
        Assert.Equal(0, none.GetProperty("total").GetInt32());
        Assert.Equal(0, none.GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("offset=-1", "offset")]
    [InlineData("offset=1.5", "offset")]
    [InlineData("type=", "type")]
    [InlineData("channel=a&channel=b", "channel")]
    public async Task Bad_query_values_are_400_with_details(string query, string field)
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();

        using var response = await client.GetAsync("/api/activity?" + query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("VALIDATION_ERROR", body.GetProperty("code").GetString());
        Assert.Equal(field, body.GetProperty("details")[0].GetProperty("path").GetString());
    }

    [Fact]
    public async Task Activity_needs_a_session()
    {
        await using var app = await TestApp.StartAsync();
        using var response = await app.Client.GetAsync("/api/activity");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
