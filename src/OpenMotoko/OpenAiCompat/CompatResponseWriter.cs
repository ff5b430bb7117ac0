using System.Text;
using System.Text.Json;
using OpenMotoko.Providers;
using OpenMotoko.Providers.OpenAi;

namespace OpenMotoko.OpenAiCompat;

/// <summary>
/// Answers a chat request in OpenAI's format: streamed as chat.completion.chunk SSE events (role
/// first, content and tool-call deltas as they come, the finish, usage when asked, [DONE]), or
/// collected into one chat.completion.
/// </summary>
internal sealed class CompatResponseWriter(HttpContext context, string id, long created, CompatRequest request)
{
    private readonly StringBuilder _text = new();
    private readonly List<CompatToolCall> _calls = [];
    private string _model = request.Model;
    private string? _stopReason;
    private UsageReport? _usage;
    private bool _started;

    public async Task AddAsync(RoutedEvent routed, CancellationToken cancellationToken)
    {
        _model = $"{routed.Provider}/{routed.Model}";
        if (request.Stream && !_started)
        {
            _started = true;
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            await SendAsync(Chunk(new CompatMessage("assistant", "", null), null), cancellationToken);
        }
        switch (routed.Event)
        {
            case TextDelta delta:
                _text.Append(delta.Text);
                if (request.Stream)
                {
                    await SendAsync(Chunk(new CompatMessage(null, delta.Text, null), null), cancellationToken);
                }
                break;
            case ToolCallReady ready:
                var call = new CompatToolCall(request.Stream ? _calls.Count : null, ready.Call.Id, "function",
                    new OpenAiFunctionCall(ready.Call.Name, OpenAiMapping.ArgumentsText(ready.Call.Arguments)));
                _calls.Add(call);
                if (request.Stream)
                {
                    await SendAsync(Chunk(new CompatMessage(null, null, [call]), null), cancellationToken);
                }
                break;
            case UsageReport usage:
                _usage = usage;
                break;
            case StreamFinished finished:
                _stopReason = finished.StopReason;
                break;
        }
    }

    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        var finish = FinishReason();
        var usage = _usage is { } u ? new CompatUsage(u.InputTokens, u.OutputTokens, u.InputTokens + u.OutputTokens) : new CompatUsage(0, 0, 0);
        if (!request.Stream)
        {
            var message = new CompatMessage("assistant", _calls.Count > 0 && _text.Length == 0 ? null : _text.ToString(), _calls.Count > 0 ? _calls : null);
            var completion = new CompatCompletion(id, "chat.completion", created, _model, [new CompatChoice(0, message, null, finish)], usage);
            await context.Response.WriteAsJsonAsync(completion, CompatJsonContext.Default.CompatCompletion, "application/json; charset=utf-8", cancellationToken);
            return;
        }
        await SendAsync(Chunk(new CompatMessage(null, null, null), finish), cancellationToken);
        if (request.IncludeUsage)
        {
            await SendAsync(new CompatCompletion(id, "chat.completion.chunk", created, _model, [], usage), cancellationToken);
        }
        await context.Response.WriteAsync("data: [DONE]\n\n", cancellationToken);
    }

    /// <summary>A failure after output started: stream an error event and end; before any output: a plain error.</summary>
    public async Task FailAsync(CompatFailure error, CancellationToken cancellationToken)
    {
        if (!_started)
        {
            await CompatErrors.WriteAsync(context, error.Status, error.Type, error.Code, error.Message);
            return;
        }
        var json = JsonSerializer.Serialize(new CompatError(new CompatErrorBody(error.Message, error.Type, error.Code)), CompatJsonContext.Default.CompatError);
        await context.Response.WriteAsync($"data: {json}\n\n", cancellationToken);
    }

    private string FinishReason() => _stopReason switch
    {
        "tool_calls" or "tool_use" => "tool_calls",
        "length" or "max_tokens" or "MAX_TOKENS" => "length",
        "content_filter" or "SAFETY" => "content_filter",
        _ when _calls.Count > 0 => "tool_calls",
        _ => "stop",
    };

    private CompatCompletion Chunk(CompatMessage delta, string? finish) =>
        new(id, "chat.completion.chunk", created, _model, [new CompatChoice(0, null, delta, finish)], null);

    private async Task SendAsync(CompatCompletion chunk, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(chunk, CompatJsonContext.Default.CompatCompletion);
        await context.Response.WriteAsync($"data: {json}\n\n", cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }
}
