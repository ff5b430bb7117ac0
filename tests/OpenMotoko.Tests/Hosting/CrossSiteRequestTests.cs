using System.Net;
using System.Text;
using System.Text.Json;

namespace OpenMotoko.Tests.Hosting;

/// <summary>
/// A page on another origin (another port on 127.0.0.1 included: that is the same site) can make the
/// browser send the session cookie with a form POST or a text/plain fetch. Such a request must not
/// count as the owner's.
/// </summary>
public sealed class CrossSiteRequestTests
{
    private static HttpRequestMessage Toggle(string token, string? origin = null, string? fetchSite = null, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/skills/memory/toggle") { Content = content };
        request.Headers.Add("Cookie", $"session={token}");
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }
        if (fetchSite is not null)
        {
            request.Headers.Add("Sec-Fetch-Site", fetchSite);
        }
        return request;
    }

    private static async Task<bool> MemoryEnabledAsync(HttpClient owner)
    {
        using var document = JsonDocument.Parse(await owner.GetStringAsync("/api/skills"));
        return document.RootElement.EnumerateArray().Single(s => s.GetProperty("id").GetString() == "memory").GetProperty("enabled").GetBoolean();
    }

    private static string OwnOrigin(TestApp app) => app.BaseAddress.GetLeftPart(UriPartial.Authority);

    [Theory]
    [InlineData(null)]
    [InlineData("http://127.0.0.1:1")]
    [InlineData("http://evil.example")]
    [InlineData("null")]
    public async Task A_cookie_post_without_the_daemons_own_origin_changes_nothing(string? origin)
    {
        await using var app = await TestApp.StartAsync();
        var token = await app.LoginAsync();
        using var owner = app.CreateClient(token);
        var before = await MemoryEnabledAsync(owner);
        using var client = app.CreateClient();

        using var form = await client.SendAsync(Toggle(token, origin, content: new FormUrlEncodedContent([])));
        using var plain = await client.SendAsync(Toggle(token, origin == "http://127.0.0.1:1" ? origin : null, "same-site"));

        await Envelope.AssertAsync(form, HttpStatusCode.Forbidden, "FORBIDDEN");
        await Envelope.AssertAsync(plain, HttpStatusCode.Forbidden, "FORBIDDEN");
        Assert.Equal(before, await MemoryEnabledAsync(owner));
    }

    [Fact]
    public async Task A_cookie_post_from_the_daemons_own_page_or_an_allowed_origin_works()
    {
        await using var app = await TestApp.StartAsync(new Dictionary<string, string>
        {
            ["OPENMOTOKO_PASSWORD"] = TestApp.Password,
            ["OPENMOTOKO_CORS_ORIGINS"] = "https://chat.example.com",
        });
        var token = await app.LoginAsync();
        using var owner = app.CreateClient(token);
        using var client = app.CreateClient();
        var enabled = await MemoryEnabledAsync(owner);

        foreach (var request in new[] { Toggle(token, OwnOrigin(app)), Toggle(token, fetchSite: "same-origin"), Toggle(token, "https://chat.example.com") })
        {
            using (request)
            using (var response = await client.SendAsync(request))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
            enabled = !enabled;
            Assert.Equal(enabled, await MemoryEnabledAsync(owner));
        }
    }

    [Fact]
    public async Task Bearer_tokens_and_safe_methods_need_no_origin()
    {
        await using var app = await TestApp.StartAsync();
        var token = await app.LoginAsync();
        using var owner = app.CreateClient(token);

        using var toggled = await owner.PostAsync("/api/skills/memory/toggle", null);
        using var read = new HttpRequestMessage(HttpMethod.Get, "/api/skills");
        read.Headers.Add("Cookie", $"session={token}");
        using var readByCookie = await app.CreateClient().SendAsync(read);

        Assert.Equal(HttpStatusCode.OK, toggled.StatusCode);
        Assert.Equal(HttpStatusCode.OK, readByCookie.StatusCode);
    }

    [Fact]
    public async Task A_cross_site_text_plain_chat_completion_is_not_signed_in_and_a_same_origin_one_must_be_json()
    {
        await using var app = await TestApp.StartAsync();
        var token = await app.LoginAsync();
        using var client = app.CreateClient();
        const string body = """{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""";

        using var crossSite = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "text/plain") };
        crossSite.Headers.Add("Cookie", $"session={token}");
        crossSite.Headers.Add("Origin", "http://127.0.0.1:1");
        using var refused = await client.SendAsync(crossSite);
        using var sameOrigin = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "text/plain") };
        sameOrigin.Headers.Add("Cookie", $"session={token}");
        sameOrigin.Headers.Add("Origin", OwnOrigin(app));
        using var notJson = await client.SendAsync(sameOrigin);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("invalid_api_key", JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notJson.StatusCode);
    }

    [Fact]
    public async Task A_cross_site_logout_does_not_end_the_session()
    {
        await using var app = await TestApp.StartAsync();
        var token = await app.LoginAsync();

        using var logout = new HttpRequestMessage(HttpMethod.Post, "/api/auth/logout");
        logout.Headers.Add("Cookie", $"session={token}");
        logout.Headers.Add("Origin", "http://evil.example");
        using var response = await app.CreateClient().SendAsync(logout);

        await Envelope.AssertAsync(response, HttpStatusCode.Forbidden, "FORBIDDEN");
        using var owner = app.CreateClient(token);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("/api/settings")).StatusCode);
    }
}
