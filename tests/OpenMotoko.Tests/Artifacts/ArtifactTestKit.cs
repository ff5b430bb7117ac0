using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace OpenMotoko.Tests.Artifacts;

internal static class ArtifactTestKit
{
    public static async Task<JsonElement> CreateAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync("/api/artifacts", body);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return await JsonAsync(response);
    }

    public static HttpRequestMessage Patch(string id, object body, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/artifacts/{id}") { Content = JsonContent.Create(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return request;
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    public static async Task<string> CodeAsync(HttpResponseMessage response) => (await JsonAsync(response)).GetProperty("code").GetString()!;
}
