using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using OpenMotoko.Agent;
using OpenMotoko.Hosting;

namespace OpenMotoko.Conversations;

/// <summary>The final assistant message of a run: the JSON answer to POST /api/conversations/:id/messages and, in the same shape, the data of its SSE message.done.</summary>
internal sealed record AssistantReply(string Id, string ConversationId, string Role, string Content, string? Model, string? Provider, RunUsage Usage)
{
    public static AssistantReply Of(MessageView message, RunUsage usage) =>
        new(message.Id, message.ConversationId, message.Role, message.Content, message.Model, message.Provider, usage);
}

/// <summary>POST /api/conversations/:id/messages: the HTTP source of turns; answers with the run's reply as JSON or as an SSE stream.</summary>
internal static class MessagesApi
{
    public const string RunIdHeader = "X-Run-Id";

    public static async Task<Results<Ok<AssistantReply>, JsonHttpResult<ApiError>, RunEventStream>> Post(
        string id, MessageRequest request, HttpContext context, [FromServices] TurnService turns)
    {
        var cancellationToken = context.RequestAborted;
        AgentRun run;
        try
        {
            run = await turns.StartAsync(new InboundMessage(TurnSources.Api, request.Content, id, Model: request.Model), cancellationToken);
        }
        catch (ApiException ex)
        {
            return ApiErrors.Of(ex.StatusCode, ex.Code, ex.Message, ex.Details);
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
        return TypedResults.Ok(AssistantReply.Of(message, outcome.Usage));
    }

    private static bool WantsEventStream(HttpRequest request) =>
        request.Headers.Accept.Any(value => value is not null && value.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// Writes a run's events as SSE (<see cref="RunStreamFormat"/>), each flushed as it comes; the final
/// one once the run has stored its outcome. When the client goes away the stream ends but the run
/// does not: it finishes and stores its answer.
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
            await foreach (var e in run.Events.ReadAllAsync(cancellationToken))
            {
                if (RunStreamFormat.IsFinal(e))
                {
                    await run.Completion.WaitAsync(cancellationToken);
                }
                await response.WriteAsync($"event: {RunStreamFormat.NameOf(e)}\ndata: {RunStreamFormat.DataOf(e)}\n\n", cancellationToken);
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
