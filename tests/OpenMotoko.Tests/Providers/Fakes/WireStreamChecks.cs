using Microsoft.AspNetCore.Http;
using OpenMotoko.Providers;

namespace OpenMotoko.Tests.Providers.Fakes;

/// <summary>Stream failure checks every provider must pass: silence ends in an LlmException, a caller's cancel stays a cancel.</summary>
internal static class WireStreamChecks
{
    /// <summary>A reply that sends <paramref name="first"/> and then nothing until the client goes away.</summary>
    public static Func<HttpContext, Task> SendThenStall(string contentType, string first) => async context =>
    {
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(first);
        await context.Response.Body.FlushAsync();
        await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
    };

    /// <summary>Reads until the first event, then advances the daemon's clock past the idle timeout.</summary>
    public static async Task<LlmException> IdleFailureAsync(TestApp app, ILlmProvider provider, ChatRequest request) =>
        await Assert.ThrowsAsync<LlmException>(async () =>
        {
            var advanced = false;
            await foreach (var _ in provider.StreamAsync(request, CancellationToken.None))
            {
                if (!advanced)
                {
                    advanced = true;
                    app.Time.Advance(ProviderHttp.StreamIdleTimeout);
                }
            }
        });

    /// <summary>Reads until the first event, then cancels: the caller sees a cancellation, not a provider error.</summary>
    public static async Task CallerCancelAsync(ILlmProvider provider, ChatRequest request)
    {
        using var cancel = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in provider.StreamAsync(request, cancel.Token))
            {
                await cancel.CancelAsync();
            }
        });
    }
}
