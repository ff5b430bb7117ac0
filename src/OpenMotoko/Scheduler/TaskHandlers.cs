using System.Text.Json;
using OpenMotoko.Agent;
using OpenMotoko.Conversations;
using OpenMotoko.Hosting;
using OpenMotoko.Storage;

namespace OpenMotoko.Scheduler;

/// <summary>How a handler ended: the run's status, answer or error, and whether a retry may help.</summary>
internal sealed record HandlerResult(string Status, string? Output, string? Error, string? ConversationId, double Cost, bool Retryable);

/// <summary>
/// What a task does when it runs. The agent handler is a turn source like any other: it starts the
/// turn through the <see cref="TurnService"/> and waits for its outcome; the timeout or a delete
/// cancels the turn through <see cref="AgentRuns"/>.
/// </summary>
internal sealed class TaskHandlers(TurnService turns, AgentRuns runs, ConversationStore conversations, Channels.ChannelDelivery delivery, Database database,
    DaemonOptions options, TimeProvider time)
{
    public async Task<HandlerResult> RunAsync(ScheduledTask task, CancellationToken cancellationToken)
    {
        using var payload = JsonDocument.Parse(task.PayloadJson);
        var body = payload.RootElement;
        return task.Handler == SchedulerNames.Backup
            ? await BackupAsync(body, cancellationToken)
            : await AgentAsync(task, body, cancellationToken);
    }

    private async Task<HandlerResult> AgentAsync(ScheduledTask task, JsonElement payload, CancellationToken cancellationToken)
    {
        var prompt = payload.GetProperty("prompt").GetString();
        var model = payload.TryGetProperty("model", out var m) ? m.GetString() : null;
        var conversationId = payload.TryGetProperty("conversationId", out var c) ? c.GetString() : null;
        conversationId ??= (await conversations.CreateAsync(task.Name, null, null, null, cancellationToken)).Id;
        AgentRun run;
        try
        {
            run = await turns.StartAsync(new InboundMessage(TurnSources.Scheduler, prompt, conversationId, Model: model), cancellationToken);
        }
        catch (ApiException ex)
        {
            // A busy conversation frees up; a missing conversation or a bad model does not.
            return new HandlerResult(SchedulerNames.Failed, null, ex.Message, conversationId, 0, ex.Code == ErrorCodes.Conflict);
        }
        RunOutcome outcome;
        using (cancellationToken.Register(() => runs.Cancel(run.Id)))
        {
            outcome = await run.Completion;
        }
        var cost = (double)outcome.Usage.Cost;
        if (outcome.Failure is { } failure)
        {
            return new HandlerResult(SchedulerNames.Failed, null, failure.Message, conversationId, cost, failure.Code != ErrorCodes.BudgetExceeded);
        }
        var answer = outcome.Message?.Content ?? "";
        if (payload.TryGetProperty(Channels.DeliveryTarget.Field, out var target)
            && await delivery.TryDeliverAsync(new(target.GetProperty("channel").GetString()!, target.GetProperty("chatId").GetString()!), answer,
                cancellationToken) is { } undelivered)
        {
            // The agent answered (and the answer is stored): running it again would not help the chat, so no retry.
            return new HandlerResult(SchedulerNames.Failed, Cut(answer), "answered, but " + undelivered, conversationId, cost, false);
        }
        return new HandlerResult(SchedulerNames.Succeeded, Cut(answer), null, conversationId, cost, false);
    }

    private async Task<HandlerResult> BackupAsync(JsonElement payload, CancellationToken cancellationToken)
    {
        var keep = payload.TryGetProperty("keep", out var k) ? k.GetInt32() : TaskDefinition.DefaultKeep;
        var folder = Path.Combine(options.DataDir, "backups");
        var path = await Task.Run(() => BackupFolder.Write(database, folder, keep, time.GetUtcNow()), cancellationToken);
        return new HandlerResult(SchedulerNames.Succeeded, $"Wrote {path} ({new FileInfo(path).Length} bytes); keeping the newest {keep}.", null, null, 0, false);
    }

    private static string Cut(string text) => text.Length <= TaskRun.MaxOutput ? text : text[..TaskRun.MaxOutput];
}
