using System.Diagnostics;
using OpenMotoko.Hosting;

namespace OpenMotoko.Tests.Hosting;

/// <summary>What `serve` does to its own process: secrets out of the environment children inherit (the rest is in DaemonSecretsTests).</summary>
public sealed class ProcessHardeningTests
{
    [Theory]
    [InlineData("ANTHROPIC_API_KEY")]
    [InlineData("OPENAI_API_KEY")]
    [InlineData("GENERIC_LLM_API_KEY")]
    [InlineData("OPENMOTOKO_PASSWORD")]
    [InlineData("OPENMOTOKO_WEB_SEARCH_API_KEY")]
    [InlineData("GITHUB_TOKEN")]
    [InlineData("AWS_SECRET_ACCESS_KEY")]
    [InlineData("DB_PASSWD")]
    [InlineData("SOME_APIKEY")]
    [InlineData("GOOGLE_APPLICATION_CREDENTIALS")]
    public void Secret_variables_are_recognised(string name) => Assert.True(ProcessHardening.IsSecret(name));

    [Theory]
    [InlineData("PATH")]
    [InlineData("HOME")]
    [InlineData("OPENMOTOKO_DATA_DIR")]
    [InlineData("OPENMOTOKO_PORT")]
    [InlineData("OLLAMA_HOST")]
    [InlineData("KEYBOARD_LAYOUT")]
    [InlineData("SSH_AUTH_SOCK")]
    public void Ordinary_variables_are_left_alone(string name) => Assert.False(ProcessHardening.IsSecret(name));

    [Fact]
    public async Task A_removed_secret_does_not_reach_a_child_process()
    {
        var name = $"OPENMOTOKO_HARDENING_{Guid.NewGuid():N}_TOKEN";
        var plain = $"OPENMOTOKO_HARDENING_{Guid.NewGuid():N}_LABEL";
        var secret = $"secret-{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(name, secret);
        Environment.SetEnvironmentVariable(plain, "kept");
        try
        {
            Assert.Contains(secret, await ChildEnvironmentAsync()); // the test is able to see it at all

            Assert.Equal([name], ProcessHardening.RemoveSecrets([name, plain, "NOT_SET_AT_ALL_TOKEN"]));

            var inherited = await ChildEnvironmentAsync();
            Assert.DoesNotContain(secret, inherited);
            Assert.Contains($"{plain}=kept", inherited);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
            Environment.SetEnvironmentVariable(plain, null);
        }
    }

    /// <summary>A child's /proc/self/environ: exactly what it inherited.</summary>
    private static async Task<string> ChildEnvironmentAsync()
    {
        using var child = Process.Start(new ProcessStartInfo("/bin/cat", ["/proc/self/environ"]) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var text = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        return text.Replace('\0', '\n');
    }
}
