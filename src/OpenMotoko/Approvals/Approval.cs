using System.Text.Json;
using System.Text.Json.Nodes;

namespace OpenMotoko.Approvals;

/// <summary>What needs the owner's approval: one tool call of one run.</summary>
internal sealed record ApprovalRequest(string ConversationId, string RunId, string SkillId, string Tool, JsonElement Arguments);

/// <summary>The answer a run gets back; <see cref="Reason"/> goes to the model when refused.</summary>
internal sealed record ApprovalOutcome(bool Approved, string Reason);

internal enum ApprovalStatus { Pending, Approved, Denied, Expired, Cancelled }

internal enum ApprovalDecision { Decided, NotFound, AlreadyDecided }

/// <summary>
/// One approval, pending or recently decided. <see cref="Arguments"/> are the call's arguments in
/// full, unredacted and uncut (the owner approves exactly what runs); <see cref="Display"/> is the
/// same with every hidden character made visible, for a surface to show.
/// </summary>
internal sealed class Approval(string id, ApprovalRequest request, JsonNode? arguments, string display, long createdAt, long expiresAt)
{
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource<ApprovalStatus> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Id { get; } = id;
    public ApprovalRequest Request { get; } = request;
    public JsonNode? Arguments { get; } = arguments;
    public string Display { get; } = display;
    public long CreatedAt { get; } = createdAt;
    public long ExpiresAt { get; } = expiresAt;
    public ApprovalStatus Status { get; private set; }
    public long DecidedAt { get; private set; }

    public Task<ApprovalStatus> Completion => _completion.Task;

    /// <summary>Moves a pending approval to <paramref name="status"/>; false when it was already settled.</summary>
    public bool TrySettle(ApprovalStatus status, long now)
    {
        lock (_gate)
        {
            if (Status != ApprovalStatus.Pending)
            {
                return false;
            }
            Status = status;
            DecidedAt = now;
        }
        _completion.TrySetResult(status);
        return true;
    }

    public ApprovalView ToView() => new(Id, Request.ConversationId, Request.RunId, Request.SkillId, Request.Tool,
        Arguments?.DeepClone(), Display, CreatedAt, ExpiresAt);
}

/// <summary>A pending approval as GET /api/approvals shows it.</summary>
internal sealed record ApprovalView(
    string Id, string ConversationId, string RunId, string SkillId, string Tool, JsonNode? Arguments, string Display, long CreatedAt, long ExpiresAt);

internal sealed record ApprovalDecisionResponse(string Id, bool Approved);
