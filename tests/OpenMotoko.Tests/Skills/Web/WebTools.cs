using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenMotoko.Agent;

namespace OpenMotoko.Tests.Skills.Web;

/// <summary>Calls the daemon's registered tools the way the agent loop does, and sets settings over the API.</summary>
internal static class WebTools
{
    public static Task<ToolOutcome> CallAsync(TestApp app, string tool, string argumentsJson, CancellationToken cancellationToken = default)
    {
        var instance = app.Services.GetServices<IAgentTool>().Single(t => t.Definition.Name == tool);
        Assert.Equal("web", instance.SkillId);
        using var arguments = JsonDocument.Parse(argumentsJson);
        return instance.InvokeAsync(new ToolInvocation("call-1", tool, arguments.RootElement.Clone(), "conv-1", "run-1"), cancellationToken);
    }

    public static async Task PutSettingsAsync(TestApp app, Dictionary<string, object?> settings)
    {
        using var client = await app.LoginClientAsync();
        using var response = await client.PutAsJsonAsync("/api/settings", settings);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public static Task AllowAsync(TestApp app, params string[] hosts) =>
        PutSettingsAsync(app, new() { ["skills.web.allowHosts"] = hosts });
}
