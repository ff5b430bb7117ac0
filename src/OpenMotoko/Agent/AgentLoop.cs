using System.Text.Json;
using System.Text.Json.Nodes;
using OpenMotoko.Conversations;
using OpenMotoko.Hosting;
using OpenMotoko.Providers;
using OpenMotoko.Settings;

namespace OpenMotoko.Agent;

/// <summary>
/// The agent loop every entry point shares: stores the user's message, calls the model with the
/// history and the offered tools, runs the tools it asks for, and repeats until it answers or
/// agent.maxIterations is reached. Every turn is stored as it completes; a failure is stored as a
/// failed assistant turn with its error and ends the run with that error.
/// Each step is committed as it happens (a crash of the process loses none of them); the disk flush
/// follows right behind each commit without holding up the run (see <see cref="Storage.DiskFlusher"/>).
/// </summary>
internal sealed class AgentLoop(
    ConversationStore store,
    ProviderRouter router,
    AgentPrompt prompt,
    ToolRunner tools,
    AgentActivity activity,
    IEnumerable<ILlmCallObserver> observers,
    SettingsStore settings,
    ILogger<AgentLoop> logger)
{
    public const int MaxOutputTokens = 4096;

    /// <summary>Assumed when a model's context window is unknown (local and OpenAI-compatible models).</summary>
    public const int DefaultContextWindow = 32_000;

    public const string CancelledCode = ErrorCodes.Cancelled;

    private readonly ILlmCallObserver[] _observers = [.. observers];

    public async Task<RunOutcome> RunAsync(AgentRun run, AgentRequest request)
    {
        var conversation = request.Conversation;
        var state = new RunState(run, request, store.Now);
        var cancellationToken = run.Token;
        try
        {
            if (!await store.AppendAsync(conversation.Id, run.Id, [state.Message(MessageRoles.User, request.Content)], CancellationToken.None))
            {
                return await FailAsync(state, StatusCodes.Status404NotFound, ErrorCodes.NotFound, $"No conversation with id '{conversation.Id}'.");
            }
            await activity.PublishAsync("message:received", conversation.Id, request.Channel, null, new JsonObject
            {
                ["length"] = request.Content.Length,
                ["preview"] = AgentActivity.Truncate(request.Content, 200),
            });

            var model = string.IsNullOrWhiteSpace(request.Model) ? conversation.Model : request.Model;
            var choice = router.Selector.Resolve(model);
            var system = await prompt.BuildAsync(conversation, request.Content, cancellationToken);
            var offered = tools.Offered();
            ToolDefinition[] definitions = [.. offered.Select(t => t.Definition)];
            var history = AgentHistory.Replay(await store.MessagesAsync(conversation.Id, cancellationToken));
            var budget = ContextWindow(choice) - MaxOutputTokens;
            var fixedTokens = AgentHistory.Estimate(system) + AgentHistory.Estimate(definitions);
            var maxIterations = Math.Max(1, settings.GetInt32(SettingsCatalog.MaxIterations));

            for (var iteration = 1; iteration <= maxIterations; iteration++)
            {
                var sent = AgentHistory.Trim(history, budget, fixedTokens);
                var turn = await CallModelAsync(state, model, new ChatRequest(choice.Model, system, sent, definitions, MaxOutputTokens), cancellationToken);
                if (turn.Calls.Count == 0)
                {
                    return await FinishAsync(state, state.Message(MessageRoles.Assistant, turn.Text, turn));
                }
                var results = await tools.RunAsync(turn.Calls, offered, run, request.Channel, cancellationToken);
                var assistant = state.Message(MessageRoles.Assistant, turn.Text, turn) with
                {
                    ToolCalls = [.. turn.Calls.Select(c => new ToolCallView(c.Id, c.Name, c.Arguments))],
                };
                var answer = state.Message(MessageRoles.Tool, "") with { ToolResults = results };
                await store.AppendAsync(conversation.Id, run.Id, [assistant, answer], CancellationToken.None);
                history.Add(new ChatMessage(ChatRole.Assistant, turn.Text.Length == 0 ? null : turn.Text, turn.Calls));
                history.Add(new ChatMessage(ChatRole.Tool, null, null, [.. results.Select(r => new ToolResult(r.ToolCallId, r.Name, r.Output, r.IsError))]));
                state.Partial.Clear();
                cancellationToken.ThrowIfCancellationRequested();
            }

            AgentLog.MaxIterations(logger, run.Id, maxIterations);
            var note = $"I stopped after {maxIterations} steps without a final answer (the limit is the agent.maxIterations setting). " +
                       "Ask me to continue, or raise the limit.";
            return await FinishAsync(state, state.Message(MessageRoles.Assistant, note));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return await FailAsync(state, StatusCodes.Status409Conflict, CancelledCode, "The run was cancelled before it finished.");
        }
        catch (AgentStopException ex)
        {
            return await FailAsync(state, ex.StatusCode, ex.Code, ex.Message);
        }
        catch (LlmException ex)
        {
            state.Provider ??= ex.Provider;
            return await FailAsync(state, StatusCodes.Status502BadGateway, ErrorCodes.LlmError, ex.Message);
        }
        catch (Exception ex)
        {
            AgentLog.RunCrashed(logger, run.Id, conversation.Id, ex);
            return await FailAsync(state, StatusCodes.Status500InternalServerError, ErrorCodes.Internal,
                "Something went wrong on the server while answering. The details are in the daemon's log.");
        }
    }

    private async Task<ModelTurn> CallModelAsync(RunState state, string? model, ChatRequest request, CancellationToken cancellationToken)
    {
        var calls = new List<ToolCall>();
        UsageReport? usage = null;
        await foreach (var routed in router.StreamWithFallbackAsync(model, request, state.Run.ConversationId, _observers, cancellationToken))
        {
            state.Provider = routed.Provider;
            state.Model = routed.Model;
            switch (routed.Event)
            {
                case TextDelta delta when delta.Text.Length > 0:
                    state.Partial.Append(delta.Text);
                    await state.Run.EmitAsync("message.delta", new JsonObject { ["text"] = delta.Text }, CancellationToken.None);
                    break;
                case ToolCallReady ready:
                    calls.Add(ready.Call);
                    break;
                case UsageReport report:
                    usage = report;
                    break;
            }
        }
        var provider = state.Provider ?? "unknown";
        var answered = state.Model ?? request.Model;
        var input = usage?.InputTokens ?? 0;
        var output = usage?.OutputTokens ?? 0;
        var cost = ModelPricing.Price(provider, answered, input, output).Cost;
        state.Add(input, output, cost);
        await activity.PublishAsync("llm:complete", state.Run.ConversationId, state.Request.Channel, null, new JsonObject
        {
            ["provider"] = provider,
            ["model"] = answered,
            ["inputTokens"] = input,
            ["outputTokens"] = output,
            ["cost"] = cost,
        });
        return new ModelTurn(state.Partial.ToString(), calls, provider, answered, input, output, cost);
    }

    private async Task<RunOutcome> FinishAsync(RunState state, MessageView final)
    {
        var usage = state.Usage;
        // Reported first so the event is stored in the same commit as the message it describes.
        await activity.PublishAsync("message:sent", state.Run.ConversationId, state.Request.Channel, null, new JsonObject
        {
            ["messageId"] = final.Id,
            ["provider"] = final.Provider,
            ["model"] = final.Model,
            ["length"] = final.Content.Length,
            ["inputTokens"] = usage.InputTokens,
            ["outputTokens"] = usage.OutputTokens,
            ["cost"] = usage.Cost,
        });
        await store.AppendAsync(state.Run.ConversationId, state.Run.Id, [final], CancellationToken.None);
        await state.Run.EmitAsync("message.done", new JsonObject
        {
            ["message"] = JsonSerializer.SerializeToNode(final, ConversationsJsonContext.Default.MessageView),
            ["usage"] = UsageJson(usage),
        }, CancellationToken.None);
        state.Run.Status = "completed";
        return new RunOutcome(final, usage, null);
    }

    private async Task<RunOutcome> FailAsync(RunState state, int status, string code, string message)
    {
        if (code != ErrorCodes.NotFound)
        {
            AgentLog.RunFailed(logger, state.Run.Id, state.Run.ConversationId, code, message);
        }
        var failed = state.Message(MessageRoles.Assistant, state.Partial.ToString()) with { Error = message, ErrorCode = code };
        try
        {
            await store.AppendAsync(state.Run.ConversationId, state.Run.Id, [failed], CancellationToken.None);
        }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or InvalidOperationException)
        {
            AgentLog.RunCrashed(logger, state.Run.Id, state.Run.ConversationId, ex);
        }
        await state.Run.EmitAsync("error", new JsonObject { ["error"] = message, ["code"] = code }, CancellationToken.None);
        state.Run.Status = code == CancelledCode ? "cancelled" : "failed";
        return new RunOutcome(failed, state.Usage, new RunFailure(status, code, message));
    }

    private static int ContextWindow(ModelChoice choice) =>
        (PricingTable(choice) is { ContextWindow: > 0 } price ? price.ContextWindow : DefaultContextWindow);

    private static Costs.ModelPrice? PricingTable(ModelChoice choice) =>
        Costs.PricingTable.Find(choice.Provider.Id, choice.Model) ?? ModelPricing.FindAnyProvider(choice.Model);

    public static JsonObject UsageJson(RunUsage usage) => new()
    {
        ["inputTokens"] = usage.InputTokens,
        ["outputTokens"] = usage.OutputTokens,
        ["cost"] = usage.Cost,
    };
}
