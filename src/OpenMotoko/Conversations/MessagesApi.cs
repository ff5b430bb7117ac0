using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using OpenMotoko.Agent;
using OpenMotoko.Hosting;
using OpenMotoko.Providers;

namespace OpenMotoko.Conversations;

/// <summary>The answer to POST /api/conversations/:id/messages without SSE (DESIGN.md §5).</summary>
internal sealed record AssistantReply(string Id, string ConversationId, string Role, string Content, string? Model, string? Provider, RunUsage Usage);

/// <summary>POST /api/conversations/:id/messages: starts a run and answers with its reply as JSON or as an SSE stream.</summary>
internal static class MessagesApi
{
    public const int MaxContent = 100_000;
    public const string RunIdHeader = "X-Run-Id";

    public static async Task<Results<Ok<AssistantReply>, JsonHttpResult<ApiError>, RunEventStream>> Post(
        string id, JsonElement body, HttpContext context, ConversationStore store, AgentRuns runs, ModelSelector selector)
    {
        var cancellationToken = context.RequestAborted;
        var errors = new List<ErrorDetail>();
        if (body.ValueKind != JsonValueKind.Object)
        {
            return ApiErrors.Validation("$", "must be a JSON object {content, model?}");
        }
        var content = ConversationInput.ReadString(body, "content", MaxContent, errors, minLength: 1);
        if (!content.Present || content.Value is null)
        {
            errors.Add(new ErrorDetail("body", "content", "content is required: the message text (1 to 100000 characters)"));
        }
        var model = ConversationInput.ReadString(body, "model", ConversationInput.MaxModel, errors);
        if (errors.Count > 0)
        {
            return ApiErrors.Validation(errors);
        }
        if (await store.GetAsync(id, cancellationToken) is not { } conversation)
        {
            return ConversationsApi.NotFound(id);
        }
        try
        {
            // Refused before anything is stored: an unknown or unconfigured model is the caller's to fix.
            selector.Resolve(string.IsNullOrWhiteSpace(model.Value) ? conversation.Model : model.Value);
        }
        catch (AgentStopException ex)
        {
            return ApiErrors.Of(ex.StatusCode, ex.Code, ex.Message, ex.Code == ErrorCodes.Validation ? [new ErrorDetail("body", "model", ex.Message)] : null);
        }

        if (runs.TryStart(new AgentRequest(conversation, content.Value!, model.Value, "api")) is not { } run)
        {
            return ApiErrors.Of(StatusCodes.Status409Conflict, ErrorCodes.Conflict,
                "This conversation is still answering the previous message. Wait for it, or cancel it with DELETE /api/agents/:id.");
        }
        // The run's id, so the client can cancel it with DELETE /api/agents/:id without listing runs.
        context.Response.Headers[RunIdHeader] = run.Id;
        if (WantsEventStream(context.Request))
        {
            return new RunEventStream(run);
        }
        var outcome = await run.Completion.WaitAsync(cancellationToken);
        if (outcome.Failure is { } failure)
        {
            return ApiErrors.Of(failure.StatusCode, failure.Code, failure.Message);
        }
        var message = outcome.Message!;
        return TypedResults.Ok(new AssistantReply(message.Id, message.ConversationId, message.Role, message.Content, message.Model, message.Provider, outcome.Usage));
    }

    private static bool WantsEventStream(HttpRequest request) =>
        request.Headers.Accept.Any(value => value is not null && value.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// Writes a run's events as SSE, each flushed as it comes. When the client goes away the stream
/// ends but the run does not: it finishes and stores its answer.
/// </summary>
internal sealed class RunEventStream(AgentRun run) : IResult
{
    public async Task ExecuteAsync(HttpContext context)
    {
        var response = context.Response;
        var cancellationToken = context.RequestAborted;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();
        try
        {
            await response.Body.FlushAsync(cancellationToken);
            await foreach (var item in run.Events.ReadAllAsync(cancellationToken))
            {
                await response.WriteAsync($"event: {item.Type}\ndata: {item.Data.ToJsonString()}\n\n", cancellationToken);
                await response.Body.FlushAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // the client left; the run carries on and stores its answer
        }
        catch (IOException)
        {
            // the connection broke; same as above
        }
    }
}
