using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using OpenMotoko.Agent;
using OpenMotoko.Hosting;

namespace OpenMotoko.Tests.Agent;

public sealed class AgentStopEnvelopeTests
{
    [Fact]
    public async Task An_agent_stop_escaping_an_endpoint_becomes_its_envelope()
    {
        var context = new DefaultHttpContext();
        context.Response.Body = new MemoryStream();
        var middleware = new ErrorEnvelopeMiddleware(
            _ => throw new ApiException(429, "BUDGET_EXCEEDED", "Daily budget of $1.00 reached."), NullLogger<ErrorEnvelopeMiddleware>.Instance);

        await middleware.InvokeAsync(context);

        Assert.Equal(429, context.Response.StatusCode);
        context.Response.Body.Position = 0;
        using var body = await JsonDocument.ParseAsync(context.Response.Body);
        Assert.Equal("BUDGET_EXCEEDED", body.RootElement.GetProperty("code").GetString());
        Assert.Equal("Daily budget of $1.00 reached.", body.RootElement.GetProperty("error").GetString());
    }
}
