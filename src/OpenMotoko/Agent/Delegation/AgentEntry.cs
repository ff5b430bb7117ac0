using System.Text;

namespace OpenMotoko.Agent.Delegation;

/// <summary>What makes a run a sub-agent: its id (chosen when it was queued), parent, depth, name, budget and skills.</summary>
internal sealed record AgentLineage(string Id, string ParentId, int Depth, string? Name, decimal BudgetUsd, IReadOnlySet<string> Skills);

/// <summary>The statuses of a run as GET /api/agents shows them.</summary>
internal static class AgentStatus
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Cancelling = "cancelling";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public static bool IsLive(string status) => status is Queued or Running or Cancelling;
}

/// <summary>Why a run failed or was cancelled, as GET /api/agents shows it.</summary>
internal static class AgentReasons
{
    public const string Budget = "budget";
    public const string Restart = "restart";
    public const string Cancelled = "cancelled";
    public const string Error = "error";
}

/// <summary>A run as GET /api/agents shows it; <see cref="Children"/> only on GET /api/agents/:id.</summary>
internal sealed record AgentRunView(
    string Id, string? ParentId, string ConversationId, string? Name, string Task, string? Model, string Status, string? Reason,
    int Depth, decimal? BudgetUsd, decimal SpentUsd, long StartedAt, long? FinishedAt, string? Output)
{
    public IReadOnlyList<AgentRunView>? Children { get; init; }
}

/// <summary>The runs GET /api/agents lists.</summary>
internal sealed record AgentRunPage(IReadOnlyList<AgentRunView> Items, int Total);

/// <summary>
/// One run the supervisor knows while it is queued or running (and, for a sub-agent, until its parent
/// ends, so the parent can still collect it). Mutable state is changed under the supervisor's lock.
/// </summary>
internal sealed class AgentEntry(string id, string? parentId, string conversationId, string? name, string task, string? model, int depth,
    decimal? budgetUsd, IReadOnlySet<string>? skills, long startedAt)
{
    /// <summary>The most of a run's streamed text kept for a wait that times out.</summary>
    public const int MaxPartialChars = 8_000;

    /// <summary>The most of an answer kept in the table and shown by the API.</summary>
    public const int MaxOutputChars = 64 * 1024;

    public string Id => id;
    public string? ParentId => parentId;
    public string ConversationId => conversationId;
    public string? Name => name;
    public string Task => task;
    public string? Model { get; set; } = model;
    public int Depth => depth;
    public decimal? BudgetUsd => budgetUsd;
    public IReadOnlySet<string>? Skills => skills;
    public long StartedAt { get; set; } = startedAt;

    public string Status { get; set; } = AgentStatus.Queued;
    public string? Reason { get; set; }
    public long? FinishedAt { get; set; }
    public string? Output { get; set; }

    /// <summary>Why it failed, in words (for wait_agents and the agent:failed event; not stored).</summary>
    public string? Error { get; set; }
    public bool CancelRequested { get; set; }

    /// <summary>The answer already stored as this run's completed row (with the answer's commit), if any.</summary>
    public string? StoredAnswer { get; set; }
    public AgentRun? Run { get; set; }
    public StringBuilder Partial { get; } = new();

    private long _spentMicros;

    public decimal SpentUsd => Interlocked.Read(ref _spentMicros) / 1_000_000m;

    public void AddSpent(decimal usd) => Interlocked.Add(ref _spentMicros, (long)Math.Round(usd * 1_000_000m));

    /// <summary>Set once the run has ended (or was cancelled while queued).</summary>
    public TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The live status: a running run's own (running or cancelling), else the entry's.</summary>
    public string CurrentStatus => Status == AgentStatus.Running && Run is { } run && run.Status == AgentStatus.Cancelling ? AgentStatus.Cancelling : Status;

    public AgentRunView View() => new(Id, ParentId, ConversationId, Name, Task, Model, CurrentStatus, Reason, Depth, BudgetUsd, SpentUsd,
        StartedAt, FinishedAt, Output);

    public void AppendPartial(string text)
    {
        lock (Partial)
        {
            Partial.Append(text);
            if (Partial.Length > MaxPartialChars)
            {
                Partial.Remove(0, Partial.Length - MaxPartialChars);
            }
        }
    }

    public string PartialText()
    {
        lock (Partial)
        {
            return Partial.ToString();
        }
    }
}
