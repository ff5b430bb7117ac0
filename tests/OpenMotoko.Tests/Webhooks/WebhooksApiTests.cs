using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenMotoko.Tests.Agent;
using OpenMotoko.Tests.Conversations;

namespace OpenMotoko.Tests.Webhooks;

/// <summary>/api/webhooks: the secret shown once, hinted after; toggle, rotate, delete; bad input refused.</summary>
public sealed class WebhooksApiTests
{
    [Fact]
    public async Task The_secret_appears_only_at_create_and_rotate_and_the_list_shows_its_last_four_characters()
    {
        await using var h = await AgentHarness.StartAsync();
        var created = await WebhookTestKit.CreateAsync(h.Client, new { name = "GitHub", prompt = "New event: {{body}}", model = AgentHarness.Model });
        var id = created.GetProperty("id").GetString()!;
        var secret = created.GetProperty("secret").GetString()!;
        Assert.Matches("^[A-Za-z0-9_-]{43}$", secret); // 32 random bytes, URL-safe
        Assert.True(created.GetProperty("enabled").GetBoolean());
        Assert.Equal($"{h.App.BaseAddress.ToString().TrimEnd('/')}/api/webhooks/{id}/trigger", created.GetProperty("triggerUrl").GetString());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("lastTriggeredAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, created.GetProperty("targetConversationId").ValueKind);

        var listText = await h.Client.GetStringAsync("/api/webhooks");
        Assert.DoesNotContain(secret, listText, StringComparison.Ordinal);
        var list = JsonDocument.Parse(listText).RootElement;
        Assert.Equal(1, list.GetProperty("total").GetInt32());
        var item = list.GetProperty("items")[0];
        Assert.Equal(secret[^4..], item.GetProperty("secretHint").GetString());
        Assert.False(item.TryGetProperty("secret", out _));
        var one = await h.Client.GetStringAsync($"/api/webhooks/{id}");
        Assert.DoesNotContain(secret, one, StringComparison.Ordinal);

        using var rotated = await h.Client.PostAsync($"/api/webhooks/{id}/rotate-secret", null);
        var newSecret = (await AgentHarness.JsonAsync(rotated)).GetProperty("secret").GetString()!;
        Assert.Matches("^[A-Za-z0-9_-]{43}$", newSecret);
        Assert.NotEqual(secret, newSecret);
        using var old = await h.App.CreateClient().SendAsync(WebhookTestKit.Trigger(id, "{}", secret));
        Assert.Equal(HttpStatusCode.Forbidden, old.StatusCode);

        using var toggled = await h.Client.PostAsync($"/api/webhooks/{id}/toggle", null);
        Assert.False((await AgentHarness.JsonAsync(toggled)).GetProperty("enabled").GetBoolean());
        using var again = await h.Client.PostAsync($"/api/webhooks/{id}/toggle", null);
        Assert.True((await AgentHarness.JsonAsync(again)).GetProperty("enabled").GetBoolean());

        using var deleted = await h.Client.DeleteAsync($"/api/webhooks/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        foreach (var response in new[]
                 {
                     await h.Client.GetAsync($"/api/webhooks/{id}"), await h.Client.DeleteAsync($"/api/webhooks/{id}"),
                     await h.Client.PostAsync($"/api/webhooks/{id}/toggle", null), await h.Client.PostAsync($"/api/webhooks/{id}/rotate-secret", null),
                     await h.App.CreateClient().SendAsync(WebhookTestKit.Trigger(id, "{}", newSecret)),
                 })
        {
            await ConversationsApiTests.AssertEnvelope(response, HttpStatusCode.NotFound, "NOT_FOUND");
        }
    }

    [Fact]
    public async Task Bad_input_is_refused_with_the_field_named_and_the_routes_need_a_session()
    {
        await using var h = await AgentHarness.StartAsync();
        async Task Refused(object body, string path)
        {
            using var response = await h.Client.PostAsJsonAsync("/api/webhooks", body);
            var error = await ConversationsApiTests.AssertEnvelope(response, HttpStatusCode.BadRequest, "VALIDATION_ERROR");
            Assert.Contains(error.GetProperty("details").EnumerateArray(), d => d.GetProperty("path").GetString() == path);
        }
        await Refused(new { }, "name");
        await Refused(new { name = "" }, "name");
        await Refused(new { name = new string('n', 101) }, "name");
        await Refused(new { name = "x", prompt = new string('p', 10_001) }, "prompt");
        await Refused(new { name = "x", prompt = string.Concat(Enumerable.Repeat("{{body}}", 51)) }, "prompt");
        await Refused(new { name = "x", model = "nowhere/model" }, "model");
        await Refused(new { name = "x", targetConversationId = "no-such-conversation" }, "targetConversationId");
        await Refused(new { name = "x", enabled = "yes" }, "enabled");
        await Refused(new { name = "x", secret = "mine" }, "secret");
        await Refused(new { name = 5 }, "name");
        using var array = await h.Client.PostAsync("/api/webhooks", new StringContent("[]", System.Text.Encoding.UTF8, "application/json"));
        await ConversationsApiTests.AssertEnvelope(array, HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        using var badPage = await h.Client.GetAsync("/api/webhooks?limit=0");
        await ConversationsApiTests.AssertEnvelope(badPage, HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.Equal(0, (await AgentHarness.JsonAsync(await h.Client.GetAsync("/api/webhooks"))).GetProperty("total").GetInt32());

        var conversation = await h.CreateConversationAsync();
        var made = await WebhookTestKit.CreateAsync(h.Client, new { name = "HA", targetConversationId = conversation, enabled = false });
        Assert.Equal(conversation, made.GetProperty("targetConversationId").GetString());
        Assert.False(made.GetProperty("enabled").GetBoolean());

        using var anonymous = h.App.CreateClient();
        foreach (var response in new[]
                 {
                     await anonymous.GetAsync("/api/webhooks"), await anonymous.PostAsJsonAsync("/api/webhooks", new { name = "x" }),
                     await anonymous.PostAsync($"/api/webhooks/{made.GetProperty("id").GetString()}/rotate-secret", null),
                 })
        {
            await ConversationsApiTests.AssertEnvelope(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        }
    }
}
