using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace OpenMotoko.Tests.Channels.Plugins;

public sealed class PluginInstallTests
{
    [Fact]
    public async Task An_installed_plugin_is_a_channel_until_it_is_removed()
    {
        await using var h = await PluginHarness.StartAsync();
        var plugins = await h.Client.GetFromJsonAsync<JsonElement>("/api/channel-plugins");
        var plugin = plugins.EnumerateArray().Single();
        Assert.Equal("loopback", plugin.GetProperty("id").GetString());
        Assert.Equal("path", plugin.GetProperty("source").GetString());
        Assert.Equal("Loopback", plugin.GetProperty("name").GetString());
        Assert.Equal("1.0.0", plugin.GetProperty("version").GetString());
        Assert.EndsWith("plugin.js", plugin.GetProperty("command")[1].GetString(), StringComparison.Ordinal);
        var schema = plugin.GetProperty("configSchema").GetProperty("properties");
        Assert.Equal("integer", schema.GetProperty("port").GetProperty("type").GetString());
        Assert.True(schema.GetProperty("token").GetProperty("secret").GetBoolean());

        var channel = await h.ChannelAsync();
        Assert.Equal("plugin", channel.GetProperty("type").GetString());
        Assert.Equal("Loopback", channel.GetProperty("name").GetString());
        Assert.Equal("running", channel.GetProperty("status").GetString());

        using var remove = await h.Client.DeleteAsync("/api/channel-plugins/loopback");
        Assert.Equal(HttpStatusCode.NoContent, remove.StatusCode);
        var channels = await h.Client.GetFromJsonAsync<JsonElement>("/api/channels");
        Assert.DoesNotContain(channels.EnumerateArray(), c => c.GetProperty("id").GetString() == "loopback");
        Assert.Empty((await h.Client.GetFromJsonAsync<JsonElement>("/api/channel-plugins")).EnumerateArray());
        Assert.False(Directory.Exists(Path.Combine(h.App.DataDir, "plugins", "loopback")));
        Assert.True(File.Exists(Path.Combine(PluginHarness.ExampleDir, "plugin.js")), "a local plugin is used in place, never deleted");
        await Assert.ThrowsAsync<HttpRequestException>(() => h.Plugin.GetAsync("/sent")); // the child is gone
        using var again = await h.Client.DeleteAsync("/api/channel-plugins/loopback");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task Plugins_stop_with_the_daemon_and_start_again_with_it()
    {
        await using var h = await PluginHarness.StartAsync();
        var oldPort = int.Parse(File.ReadAllText(h.PortFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await h.App.RestartAsync(() =>
        {
            File.Delete(h.PortFile);
            using var probe = new System.Net.Sockets.TcpClient();
            Assert.ThrowsAny<System.Net.Sockets.SocketException>(() => probe.Connect("127.0.0.1", oldPort)); // stopped with the daemon
        });
        h.Client.Dispose();
        h.Client = await h.App.LoginClientAsync();
        await h.ConnectAsync();
        h.Model.ThenText("Restarted.");
        await h.SayAsync("chat-r", "ann", "hello");
        await h.WaitForShownAsync("chat-r", s => s.Length > 0 && s[^1] == "Restarted.", "an answer after a daemon restart");
    }

    [Fact]
    public async Task Config_is_checked_against_the_plugins_schema_and_its_secrets_are_masked()
    {
        await using var h = await PluginHarness.StartAsync();
        foreach (var (body, field) in new (object, string)[]
                 {
                     (new { config = new { port = "eighty" } }, "config.port"),
                     (new { config = new { colour = "blue" } }, "config.colour"),
                     (new { config = new { env = new Dictionary<string, string> { ["PATH"] = "/tmp" } } }, "config.env"),
                     (new { config = new { allowFrom = "ann" } }, "config.allowFrom"),
                     (new { dmPolicy = "allowlist" }, "config.allowFrom"),
                 })
        {
            using var response = await h.Client.PutAsJsonAsync("/api/channels/loopback", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var error = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("VALIDATION_ERROR", error.GetProperty("code").GetString());
            Assert.Equal(field, error.GetProperty("details")[0].GetProperty("path").GetString());
        }

        const string Token = "loopback-token-0123456789";
        await h.ConfigureAsync(new { config = new { portFile = h.PortFile, token = Token } }, Token);
        var config = (await h.ChannelAsync()).GetProperty("config");
        Assert.Equal("loo...6789", config.GetProperty("token").GetString());
        Assert.DoesNotContain(Token, await h.Client.GetStringAsync("/api/channels"), StringComparison.Ordinal);

        // Sending the masked value back keeps the real one: the plugin still wants the real token.
        await h.ConfigureAsync(new { config = new { token = "loo...6789" } }, Token);
        using var sent = await h.Plugin.GetAsync("/sent");
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
    }

    [Fact]
    public async Task Bad_install_requests_are_400s()
    {
        await using var h = await PluginHarness.StartAsync(install: false);
        var noManifest = Directory.CreateDirectory(Path.Combine(h.Scratch, "no-manifest")).FullName;
        File.WriteAllText(Path.Combine(noManifest, "package.json"), """{"name": "x"}""");
        var escaping = Directory.CreateDirectory(Path.Combine(h.Scratch, "escaping")).FullName;
        File.WriteAllText(Path.Combine(escaping, "package.json"), """{"openmotoko": "../no-manifest/package.json"}""");
        var notExecutable = Path.Combine(h.Scratch, "plugin.bin");
        File.WriteAllText(notExecutable, "binary");

        foreach (var (body, code) in new (object, string)[]
                 {
                     (new { }, "VALIDATION_ERROR"),
                     (new { packageName = "--registry=http://evil" }, "VALIDATION_ERROR"),
                     (new { packageName = "chat; rm -rf /" }, "VALIDATION_ERROR"),
                     (new { packageName = "git+https://example.com/x.git" }, "VALIDATION_ERROR"),
                     (new { path = "relative/plugin.js" }, "VALIDATION_ERROR"),
                     (new { path = PluginHarness.ExampleDir, packageName = "x" }, "VALIDATION_ERROR"),
                     (new { path = PluginHarness.ExampleDir, id = "Bad Id" }, "VALIDATION_ERROR"),
                     (new { path = "/nonexistent/plugin" }, "PLUGIN_INSTALL_FAILED"),
                     (new { path = noManifest }, "PLUGIN_INSTALL_FAILED"),
                     (new { path = escaping }, "PLUGIN_INSTALL_FAILED"),
                     (new { path = notExecutable }, "PLUGIN_INSTALL_FAILED"),
                 })
        {
            using var response = await h.Client.PostAsJsonAsync("/api/channel-plugins/install", body);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{JsonSerializer.Serialize(body)}: {response.StatusCode}");
            Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        }
        Assert.Empty((await h.Client.GetFromJsonAsync<JsonElement>("/api/channel-plugins")).EnumerateArray());

        using var first = await h.Client.PostAsJsonAsync("/api/channel-plugins/install", new { path = PluginHarness.ExampleDir, id = "telegram" });
        Assert.Equal(HttpStatusCode.Conflict, first.StatusCode);
    }

    [Fact]
    public async Task Npm_packages_need_npm_on_the_path()
    {
        var empty = Directory.CreateTempSubdirectory("openmotoko-nopath-").FullName;
        await using var h = await PluginHarness.StartAsync(install: false, extraEnvironment: new() { ["PATH"] = empty });
        using var response = await h.Client.PostAsJsonAsync("/api/channel-plugins/install", new { packageName = "openmotoko-loopback" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("PLUGIN_INSTALL_FAILED", error.GetProperty("code").GetString());
        Assert.Contains("npm is not on the daemon's PATH", error.GetProperty("error").GetString(), StringComparison.Ordinal);
        Directory.Delete(empty);
    }

    [NpmFact]
    public async Task An_npm_package_installs_from_the_registry_npm_is_configured_with_and_then_chats()
    {
        await using var registry = await FakeNpmRegistry.StartAsync(PluginHarness.ExampleDir);
        await using var h = await PluginHarness.StartAsync(install: false, extraEnvironment: new() { ["npm_config_registry"] = registry.Url });
        using var response = await h.Client.PostAsJsonAsync("/api/channel-plugins/install", new { packageName = "openmotoko-loopback", id = PluginHarness.Id });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        Assert.Contains("/openmotoko-loopback/-/openmotoko-loopback-1.0.0.tgz", registry.Requests);

        var plugin = await h.Client.GetFromJsonAsync<JsonElement>($"/api/channel-plugins/{PluginHarness.Id}");
        Assert.Equal("npm", plugin.GetProperty("source").GetString());
        var installed = Path.Combine(h.App.DataDir, "plugins", PluginHarness.Id, "node_modules", "openmotoko-loopback", "plugin.js");
        Assert.Equal(installed, plugin.GetProperty("command")[1].GetString());
        await h.WaitForNameAsync();
        await h.ConfigureAsync(new { dmPolicy = "open", config = new { portFile = h.PortFile } });
        h.Model.ThenText("Installed from npm.");
        await h.SayAsync("chat-npm", "ann", "hello");
        await h.WaitForShownAsync("chat-npm", s => s.Length > 0 && s[^1] == "Installed from npm.", "an answer through the npm-installed plugin");

        using var remove = await h.Client.DeleteAsync($"/api/channel-plugins/{PluginHarness.Id}");
        Assert.Equal(HttpStatusCode.NoContent, remove.StatusCode);
        Assert.False(Directory.Exists(Path.Combine(h.App.DataDir, "plugins", PluginHarness.Id)), "an npm plugin's files go with it");
    }

    [NpmFact]
    public async Task A_package_the_registry_does_not_have_is_a_clear_error_and_leaves_nothing()
    {
        await using var registry = await FakeNpmRegistry.StartAsync(PluginHarness.ExampleDir);
        await using var h = await PluginHarness.StartAsync(install: false, extraEnvironment: new() { ["npm_config_registry"] = registry.Url });
        using var response = await h.Client.PostAsJsonAsync("/api/channel-plugins/install", new { packageName = "openmotoko-nowhere" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("PLUGIN_INSTALL_FAILED", error.GetProperty("code").GetString());
        Assert.Contains("npm install openmotoko-nowhere failed", error.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("/openmotoko-nowhere", registry.Requests);
        Assert.False(Directory.Exists(Path.Combine(h.App.DataDir, "plugins", "openmotoko-nowhere")));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Npm_sees_its_own_configuration_and_the_proxies_and_none_of_the_daemons_secrets()
    {
        var bin = Directory.CreateTempSubdirectory("openmotoko-fakenpm-").FullName;
        var seen = Path.Combine(bin, "env.txt");
        var npm = Path.Combine(bin, "npm");
        File.WriteAllText(npm, $"#!/bin/sh\n/usr/bin/env > '{seen}'\necho 'npm error 404 Not Found' >&2\nexit 1\n");
        File.SetUnixFileMode(npm, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await using var h = await PluginHarness.StartAsync(install: false, extraEnvironment: new()
        {
            ["PATH"] = bin,
            ["npm_config_registry"] = "http://registry.example:4873/",
            ["HTTPS_PROXY"] = "http://proxy.example:3128",
            ["NODE_EXTRA_CA_CERTS"] = "/etc/ssl/certs/office-proxy.pem",
            ["TELEGRAM_BOT_TOKEN"] = "123456789:AAHsecret-the-package-must-not-see",
        });
        using var response = await h.Client.PostAsJsonAsync("/api/channel-plugins/install", new { packageName = "openmotoko-foo" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("npm error 404 Not Found", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString(), StringComparison.Ordinal);

        var variables = File.ReadAllLines(seen).Select(line => line.Split('=', 2)[0]).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("npm_config_registry", variables);
        Assert.Contains("HTTPS_PROXY", variables);
        Assert.Contains("NODE_EXTRA_CA_CERTS", variables);
        var text = File.ReadAllText(seen);
        foreach (var secret in new[] { TestApp.Password, "sk-test-plugins-0123456789", "AAHsecret-the-package-must-not-see" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
        Directory.Delete(bin, recursive: true);
    }
}
