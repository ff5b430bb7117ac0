using OpenMotoko.Conversations;
using OpenMotoko.Costs;
using OpenMotoko.Events;
using OpenMotoko.Hosting;
using OpenMotoko.Providers;
using OpenMotoko.Settings;

namespace OpenMotoko.Agent;

/// <summary>
/// The agent loop every entry point shares (through the <see cref="TurnService"/>): stores the
/// user's message, calls the model with the history and the offered tools, runs the tools it asks
/// for, and repeats until it answers or agent.maxIterations is reached. Every turn is stored as it
/// completes; a failure is stored as a failed assistant turn with its error and ends the run with
/// that error. What happens is published on the <see cref="EventBus"/>, once.
/// Each step is committed as it happens (a crash of the process loses none of them); the disk flush
/// follows right behind each commit without holding up the run (see <see cref="Storage.DiskFlusher"/>).
/// </summary>
internal sealed class AgentLoop(
    ConversationStore store,
    ProviderRouter router,
    AgentPrompt prompt,
    ToolRunner tools,
    EventBus bus,
    SettingsStore settings,
    ILogger<AgentLoop> logger)
{
    public const int MaxOutputTokens = 4096;

    public const string CancelledCode = ErrorCodes.Cancelled;

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
            await bus.PublishAsync(new MessageReceived(run.Scope, request.Content));

            var choice = request.Choice;
            var system = await prompt.BuildAsync(conversation, request.Content, cancellationToken);
            IReadOnlyList<IAgentTool> offered = request.Lineage is { } lineage ? [.. tools.Offered().Where(t => lineage.Skills.Contains(t.SkillId))] : tools.Offered();
            ToolDefinition[] definitions = [.. offered.Select(t => t.Definition)];
            var history = AgentHistory.Replay(await store.MessagesAsync(conversation.Id, cancellationToken));
            var budget = PricingTable.ContextWindow(choice.Provider.Id, choice.Model) - MaxOutputTokens;
            var fixedTokens = AgentHistory.Estimate(system) + AgentHistory.Estimate(definitions);
            var maxIterations = Math.Max(1, settings.GetInt32(SettingsCatalog.MaxIterations));

            for (var iteration = 1; iteration <= maxIterations; iteration++)
            {
                var sent = AgentHistory.Trim(history, budget, fixedTokens);
                var turn = await CallModelAsync(state, new ChatRequest(choice.Model, system, sent, definitions, MaxOutputTokens), cancellationToken);
                if (turn.Calls.Count == 0)
                {
                    return await FinishAsync(state, state.Message(MessageRoles.Assistant, turn.Text, turn));
                }
                var results = await tools.RunAsync(turn.Calls, offered, run, cancellationToken);
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
        catch (ApiException ex)
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

    private async Task<ModelTurn> CallModelAsync(RunState state, ChatRequest request, CancellationToken cancellationToken)
    {
        var calls = new List<ToolCall>();
        long input = 0, output = 0;
        var cost = 0m;
        var scope = state.Run.Scope;
        await foreach (var routed in router.StreamAsync(state.Request.Choice, request, scope, cancellationToken))
        {
            state.Provider = routed.Provider;
            state.Model = routed.Model;
            switch (routed.Event)
            {
                case TextDelta delta when delta.Text.Length > 0:
                    state.Partial.Append(delta.Text);
                    await bus.PublishAsync(new MessageDelta(scope, delta.Text));
                    break;
                case ToolCallReady ready:
                    calls.Add(ready.Call);
                    break;
                case CallPriced priced:
                    state.Add(priced.InputTokens, priced.OutputTokens, priced.Cost);
                    input += priced.InputTokens;
                    output += priced.OutputTokens;
                    cost += priced.Cost;
                    break;
            }
        }
        return new ModelTurn(state.Partial.ToString(), calls, state.Provider ?? "unknown", state.Model ?? request.Model, input, output, cost);
    }

    private async Task<RunOutcome> FinishAsync(RunState state, MessageView final)
    {
        var usage = state.Usage;
        // Published first so the activity row is stored in the same commit as the message it describes;
        // the run's stream sends message.done once the run has stored it.
        await bus.PublishAsync(new MessageSent(state.Run.Scope, final, usage));
        await store.AppendAsync(state.Run.ConversationId, state.Run.Id, [final], CancellationToken.None);
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
        await bus.PublishAsync(new RunFailed(state.Run.Scope, message, code, status));
        state.Run.Status = code == CancelledCode ? "cancelled" : "failed";
        return new RunOutcome(failed, state.Usage, new RunFailure(status, code, message));
    }
}
