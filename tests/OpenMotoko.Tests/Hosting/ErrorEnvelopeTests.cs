using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Data.Sqlite;

namespace OpenMotoko.Tests.Hosting;

public sealed class ErrorEnvelopeTests
{
    [Fact]
    public async Task Unknown_api_route_is_a_404_envelope()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();

        using var response = await client.GetAsync("/api/no-such-thing");

        await Envelope.AssertAsync(response, HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Wrong_method_is_a_405_envelope()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();

        using var response = await client.DeleteAsync("/api/settings");

        await Envelope.AssertAsync(response, HttpStatusCode.MethodNotAllowed, "METHOD_NOT_ALLOWED");
    }

    [Fact]
    public async Task Body_over_one_MiB_is_a_413_envelope()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();
        var big = "{\"systemPrompt\":\"" + new string('a', 1024 * 1024 + 10) + "\"}";

        using var response = await client.PutAsync("/api/settings", Envelope.Json(big));

        await Envelope.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE");
    }

    [Fact]
    public async Task Chunked_body_over_one_MiB_is_a_413_envelope()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();
        var big = Encoding.UTF8.GetBytes("{\"systemPrompt\":\"" + new string('a', 1024 * 1024 + 10) + "\"}");
        using var content = new StreamContent(new MemoryStream(big));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/settings") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await client.SendAsync(request);

        await Envelope.AssertAsync(response, HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE");
    }

    [Theory]
    [InlineData("{\"theme\": ")]
    [InlineData("{theme: 'dark'}")]
    [InlineData("")]
    [InlineData("{\"theme\":\"dark\"} trailing")]
    [InlineData("nul")]
    public async Task Malformed_json_is_a_400_envelope(string body)
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();

        using var response = await client.PutAsync("/api/settings", Envelope.Json(body));

        await Envelope.AssertAsync(response, HttpStatusCode.BadRequest, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Json_nested_too_deep_is_a_400_envelope()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();
        var deep = "{\"systemPrompt\":" + new string('[', 5000) + new string(']', 5000) + "}";

        using var settings = await client.PutAsync("/api/settings", Envelope.Json(deep));
        await Envelope.AssertAsync(settings, HttpStatusCode.BadRequest, "VALIDATION_ERROR");

        using var login = await app.Client.PostAsync("/api/auth/login", Envelope.Json("{\"x\":" + new string('[', 5000) + new string(']', 5000) + "}"));
        await Envelope.AssertAsync(login, HttpStatusCode.BadRequest, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Invalid_utf8_in_json_is_a_400_envelope()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();
        byte[] body = [.. "{\"systemPrompt\":\""u8, 0xC3, 0x28, 0xFF, .. "\"}"u8];
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var settings = await client.PutAsync("/api/settings", content);
        await Envelope.AssertAsync(settings, HttpStatusCode.BadRequest, "VALIDATION_ERROR");

        using var login = await app.Client.PostAsync("/api/auth/login", new ByteArrayContent([.. "{\"password\":\""u8, 0xFF, 0xFE, .. "\"}"u8])
        {
            Headers = { ContentType = new MediaTypeHeaderValue("application/json") },
        });
        await Envelope.AssertAsync(login, HttpStatusCode.BadRequest, "VALIDATION_ERROR");
    }

    [Theory]
    [InlineData("/api/settings", "PUT", "{\"systemPrompt\":\"a\\ud800b\"}")]
    [InlineData("/api/settings", "PUT", "{\"anthropicApiKey\":\"sk-\\udc00-abcdefghijkl\"}")]
    [InlineData("/api/settings", "PUT", "{\"\\ud800\":1}")]
    [InlineData("/api/settings/budget", "PUT", "{\"\\udfff\":1}")]
    [InlineData("/api/auth/login", "POST", "{\"password\":\"\\ud800\"}")]
    public async Task Lone_surrogates_in_json_are_a_400_envelope(string path, string method, string body)
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();

        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = Envelope.Json(body) };
        using var response = await client.SendAsync(request);

        await Envelope.AssertAsync(response, HttpStatusCode.BadRequest, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Wrong_content_type_is_a_415_envelope()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();

        using var response = await client.PutAsync("/api/settings", new StringContent("{\"theme\":\"dark\"}", Encoding.UTF8, "text/plain"));

        await Envelope.AssertAsync(response, HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
    }

    [Fact]
    public async Task Unhandled_exception_is_a_500_envelope_without_internals()
    {
        await using var app = await TestApp.StartAsync();
        using var client = await app.LoginClientAsync();
        // Break the database under the running daemon so the next write throws inside a handler.
        await using (var connection = new SqliteConnection($"Data Source={app.DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            using var command = connection.CreateCommand();
            command.CommandText = "DROP TABLE settings;";
            await command.ExecuteNonQueryAsync();
        }

        using var response = await client.PutAsync("/api/settings", Envelope.Json("{\"theme\":\"dark\"}"));

        var envelope = await Envelope.AssertAsync(response, HttpStatusCode.InternalServerError, "INTERNAL_ERROR");
        var text = envelope.GetRawText();
        Assert.DoesNotContain("settings", envelope.GetProperty("error").GetString()!, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Sqlite", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        Assert.False(envelope.TryGetProperty("details", out _));
        SecurityHeadersTests.AssertSecurityHeaders(response);
    }
}
