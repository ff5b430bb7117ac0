using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using OpenMotoko.Agent;
using OpenMotoko.Conversations;

namespace OpenMotoko.Events;

/// <summary>Where an event happened: the run, its conversation, the source it came from (api, telegram, scheduler, ...), the skill.</summary>
internal sealed record EventScope(string? RunId, string? ConversationId, string? Channel, string? SkillId = null)
{
    public static readonly EventScope None = new(null, null, null);

    public EventScope ForSkill(string? skillId) => skillId == SkillId ? this : this with { SkillId = skillId };
}

/// <summary>
/// One thing that happened, published once on the <see cref="EventBus"/>. The type name (the
/// discriminator, <c>noun:verb</c>) and the serialized properties are what the activity feed stores
/// as <c>type</c> and <c>data</c>; a run's SSE stream shows some of them under its own names
/// (<see cref="Agent.RunStreamFormat"/>). <see cref="Scope"/> travels beside the data, not in it.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(MessageReceived), "message:received")]
[JsonDerivedType(typeof(MessageDelta), "message:delta")]
[JsonDerivedType(typeof(LlmCompleted), "llm:complete")]
[JsonDerivedType(typeof(ToolCalled), "tool:called")]
[JsonDerivedType(typeof(ToolCompleted), "tool:result")]
[JsonDerivedType(typeof(ApprovalRequested), "approval:requested")]
[JsonDerivedType(typeof(ApprovalDecided), "approval:decided")]
[JsonDerivedType(typeof(MessageSent), "message:sent")]
[JsonDerivedType(typeof(RunFailed), "run:failed")]
[JsonDerivedType(typeof(CostUpdated), "cost:updated")]
[JsonDerivedType(typeof(BudgetAlert), "budget:alert")]
[JsonDerivedType(typeof(SchedulerStarted), "scheduler:started")]
[JsonDerivedType(typeof(SchedulerCompleted), "scheduler:completed")]
[JsonDerivedType(typeof(SchedulerFailed), "scheduler:failed")]
[JsonDerivedType(typeof(ArtifactCreated), "artifact:created")]
[JsonDerivedType(typeof(ArtifactUpdated), "artifact:updated")]
[JsonDerivedType(typeof(ArtifactDeleted), "artifact:deleted")]
[JsonDerivedType(typeof(WebhookTriggered), "webhook:triggered")]
[JsonDerivedType(typeof(GmailReceived), "gmail:received")]
[JsonDerivedType(typeof(AgentSpawned), "agent:spawned")]
[JsonDerivedType(typeof(AgentCompleted), "agent:completed")]
[JsonDerivedType(typeof(AgentFailed), "agent:failed")]
[JsonDerivedType(typeof(ChannelMessage), "channel:message")]
[JsonDerivedType(typeof(ChannelStatusChanged), "channel:status")]
internal abstract record AgentEvent([property: JsonIgnore] EventScope Scope)
{
    /// <summary>The most of a free text (arguments, output, preview) the activity feed keeps.</summary>
    public const int MaxRecordedChars = 2_000;

    /// <summary>False for what only the run's own stream shows (token deltas); those are not stored as activity.</summary>
    [JsonIgnore]
    public virtual bool Recorded => true;

    /// <summary>The event's name, e.g. <c>tool:called</c>, as declared on <see cref="AgentEvent"/>.</summary>
    [JsonIgnore]
    public string Type => EventNames.Of(this);

    public static string Truncate(string text, int maxChars) =>
        text.Length <= maxChars ? text : string.Concat(text.AsSpan(0, maxChars), $"… [truncated, {text.Length - maxChars} more characters]");
}

/// <summary>A person's (or a source's) message reached a conversation.</summary>
internal sealed record MessageReceived(EventScope Scope, [property: JsonIgnore] string Content) : AgentEvent(Scope)
{
    public int Length => Content.Length;
    public string Preview => Truncate(Content, 200);
}

/// <summary>Text the model produced, as it streams.</summary>
internal sealed record MessageDelta(EventScope Scope, string Text) : AgentEvent(Scope)
{
    public override bool Recorded => false;
}

/// <summary>One model call finished (each attempt of a fallback chain that produced usage), priced once.</summary>
internal sealed record LlmCompleted(EventScope Scope, string Provider, string Model, long InputTokens, long OutputTokens, decimal Cost,
    [property: JsonIgnore] bool PriceKnown) : AgentEvent(Scope);

/// <summary>The model asked for a tool call.</summary>
internal sealed record ToolCalled(EventScope Scope, [property: JsonIgnore] string CallId, string Tool, [property: JsonIgnore] JsonElement Arguments)
    : AgentEvent(Scope)
{
    /// <summary>The arguments as the model wrote them, cut for the feed.</summary>
    [JsonPropertyName("arguments")]
    public string ArgumentsText => Truncate(Arguments.ValueKind == JsonValueKind.Undefined ? "{}" : Arguments.GetRawText(), MaxRecordedChars);
}

/// <summary>A tool call finished (or was refused); <see cref="Output"/> is what the model gets.</summary>
internal sealed record ToolCompleted(EventScope Scope, [property: JsonIgnore] string CallId, string Tool, bool IsError, [property: JsonIgnore] string Output)
    : AgentEvent(Scope)
{
    [JsonPropertyName("output")]
    public string OutputText => Truncate(Output, MaxRecordedChars);
}

/// <summary>A tool call waits for the owner's yes or no.</summary>
internal sealed record ApprovalRequested(EventScope Scope, string ApprovalId, string Tool, [property: JsonIgnore] JsonNode? Arguments, [property: JsonIgnore] string Display, long ExpiresAt)
    : AgentEvent(Scope)
{
    public string? RunId => Scope.RunId;
}

/// <summary>The owner answered an approval, or it expired or was cancelled.</summary>
internal sealed record ApprovalDecided(EventScope Scope, string ApprovalId, string Tool, bool Approved, string Outcome) : AgentEvent(Scope)
{
    public string? RunId => Scope.RunId;
}

/// <summary>A run's final answer, with the run's total usage.</summary>
internal sealed record MessageSent(EventScope Scope, [property: JsonIgnore] MessageView Message, [property: JsonIgnore] RunUsage Usage) : AgentEvent(Scope)
{
    public string MessageId => Message.Id;
    public string? Provider => Message.Provider;
    public string? Model => Message.Model;
    public int Length => Message.Content.Length;
    public long InputTokens => Usage.InputTokens;
    public long OutputTokens => Usage.OutputTokens;
    public decimal Cost => Usage.Cost;
}

/// <summary>A run ended without an answer (refused, failed, cancelled); the failed turn is stored.</summary>
internal sealed record RunFailed(EventScope Scope, string Error, string Code, [property: JsonIgnore] int StatusCode) : AgentEvent(Scope);

/// <summary>A call's cost was recorded; the totals are the budget guard's.</summary>
internal sealed record CostUpdated(EventScope Scope, string Provider, string Model, long InputTokens, long OutputTokens, decimal Cost,
    bool PriceKnown, decimal TodayTotal, decimal MonthTotal) : AgentEvent(Scope);

/// <summary>Spend crossed one of the budget's alert thresholds (once per threshold and period).</summary>
internal sealed record BudgetAlert(EventScope Scope, string Period, string Key, decimal Threshold, decimal Limit, decimal Spent, string Message)
    : AgentEvent(Scope);

/// <summary>A scheduled task's run started (by its schedule, by hand, as a retry or a catch-up).</summary>
internal sealed record SchedulerStarted(EventScope Scope, string TaskId, string TaskName, string TaskRunId, string Trigger) : AgentEvent(Scope);

/// <summary>A scheduled task's run succeeded.</summary>
internal sealed record SchedulerCompleted(EventScope Scope, string TaskId, string TaskName, string TaskRunId, long DurationMs, double Cost) : AgentEvent(Scope);

/// <summary>A scheduled task's run failed, timed out, was cancelled or skipped; <see cref="RetryAt"/> is set when it will be retried.</summary>
internal sealed record SchedulerFailed(EventScope Scope, string TaskId, string TaskName, string TaskRunId, string Status, string? Error, long? RetryAt)
    : AgentEvent(Scope);

/// <summary>An artifact was stored (version 1). Artifact events never carry content; "type" is the event's, so the artifact's is artifactType.</summary>
internal sealed record ArtifactCreated(EventScope Scope, string ArtifactId, string? ConversationId, string Title, string ArtifactType, long Version)
    : AgentEvent(Scope);

/// <summary>An artifact got a new version.</summary>
internal sealed record ArtifactUpdated(EventScope Scope, string ArtifactId, string? ConversationId, string Title, string ArtifactType, long Version)
    : AgentEvent(Scope);

/// <summary>An artifact was deleted with all its versions; <see cref="Version"/> was its latest.</summary>
internal sealed record ArtifactDeleted(EventScope Scope, string ArtifactId, string? ConversationId, string Title, string ArtifactType, long Version)
    : AgentEvent(Scope);

/// <summary>A webhook trigger was accepted and started a run; how it proved itself (secret header or signature), never the secret or the payload.</summary>
internal sealed record WebhookTriggered(EventScope Scope, string WebhookId, string Name, string VerifiedBy, int Bytes) : AgentEvent(Scope)
{
    public string? RunId => Scope.RunId;
}

/// <summary>A Gmail push started a run: the mailbox, its history id, the Pub/Sub message and how many new e-mails were read.</summary>
internal sealed record GmailReceived(EventScope Scope, string EmailAddress, string HistoryId, string PushMessageId, int Messages) : AgentEvent(Scope)
{
    public string? RunId => Scope.RunId;
}

/// <summary>A run started a sub-agent (queued or running at once); the scope is the parent's run.</summary>
internal sealed record AgentSpawned(EventScope Scope, string AgentId, string? Name, int Depth, decimal BudgetUsd, string ConversationId,
    [property: JsonIgnore] string Task) : AgentEvent(Scope)
{
    public string TaskPreview => Truncate(Task, 200);
}

/// <summary>A sub-agent answered; the scope is the sub-agent's own run.</summary>
internal sealed record AgentCompleted(EventScope Scope, string AgentId, string? ParentId, decimal SpentUsd, [property: JsonIgnore] string Output)
    : AgentEvent(Scope)
{
    public int Length => Output.Length;
}

/// <summary>A sub-agent ended without an answer: <see cref="Status"/> failed or cancelled, <see cref="Reason"/> budget, restart, cancelled or error.</summary>
internal sealed record AgentFailed(EventScope Scope, string AgentId, string? ParentId, string Status, string Reason, string? Error, decimal SpentUsd)
    : AgentEvent(Scope);

/// <summary>A chat message came in through a channel (<c>in</c>, from an allowed sender) or a reply went out (<c>out</c>).</summary>
internal sealed record ChannelMessage(EventScope Scope, string ChannelId, string ChatId, string Direction, int Length) : AgentEvent(Scope);

/// <summary>A channel started, stopped or failed; <see cref="Error"/> says what the owner should fix.</summary>
internal sealed record ChannelStatusChanged(EventScope Scope, string ChannelId, string Status, string? Error) : AgentEvent(Scope);
