using System.Net;
using OpenMotoko.Tests.Agent;
using OpenMotoko.Tests.Hosting;

namespace OpenMotoko.Tests.Conversations;

/// <summary>Text a JSON body can carry but .NET cannot read (a lone surrogate escape) is the caller's error, never a 500.</summary>
public sealed class MalformedTextTests
{
    [Theory]
    [InlineData("""{"title":"\ud800"}""", "title")]
    [InlineData("""{"systemPrompt":"ok \udc00 then"}""", "systemPrompt")]
    [InlineData("""{"model":"\ud800"}""", "model")]
    [InlineData("""{"\ud800":"x"}""", null)]
    public async Task A_lone_surrogate_in_a_conversation_body_is_400(string body, string? path)
    {
        await using var h = await AgentHarness.StartAsync();
        var id = await h.CreateConversationAsync();

        foreach (var (method, url) in new[] { ("POST", "/api/conversations"), ("PATCH", $"/api/conversations/{id}") })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = Envelope.Json(body) };
            using var response = await h.Client.SendAsync(request);

            var envelope = await Envelope.AssertAsync(response, HttpStatusCode.BadRequest, "VALIDATION_ERROR");
            if (path is not null)
            {
                Assert.Contains(path, Envelope.DetailPaths(envelope));
            }
        }
    }

    [Theory]
    [InlineData("""{"content":"\ud800"}""", "content")]
    [InlineData("""{"content":"hi","model":"\udfff"}""", "model")]
    [InlineData("""{"content":"hi","\ud800":1}""", null)]
    public async Task A_lone_surrogate_in_a_message_body_is_400_and_nothing_runs(string body, string? path)
    {
        await using var h = await AgentHarness.StartAsync();
        var id = await h.CreateConversationAsync();

        using var response = await h.Client.PostAsync($"/api/conversations/{id}/messages", Envelope.Json(body));

        var envelope = await Envelope.AssertAsync(response, HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        if (path is not null)
        {
            Assert.Contains(path, Envelope.DetailPaths(envelope));
        }
        Assert.Empty(h.ChatRequests);
        Assert.Empty(await h.MessagesAsync(id));
    }
}
