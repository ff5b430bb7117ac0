using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenMotoko.Events;
using OpenMotoko.Settings;

namespace OpenMotoko.Approvals;

/// <summary>
/// The one place a run waits for the owner's yes or no. The bus announces the approval (the run's
/// own stream shows it as approval.required); <see cref="Requested"/> lets any other surface (a chat channel) ask too, and whichever
/// answers first through <see cref="DecideAsync"/> wins. Unanswered approvals expire as refused.
/// </summary>
internal sealed class ApprovalBroker(
    TimeProvider time, SettingsStore settings, EventBus bus, ILogger<ApprovalBroker> logger)
{
    private static readonly TimeSpan KeepDecided = TimeSpan.FromMinutes(10); // so a second answer gets 409, not 404
    private readonly ConcurrentDictionary<string, Approval> _approvals = new(StringComparer.Ordinal);

    /// <summary>Raised when an approval is created, after the run's own stream announced it.</summary>
    public event Action<Approval>? Requested;

    /// <summary>Raised when an approval is settled (approved, denied, expired or cancelled).</summary>
    public event Action<Approval>? Settled;

    public IReadOnlyList<ApprovalView> Pending()
    {
        var now = Now();
        return [.. _approvals.Values
            .Where(a => a.Status == ApprovalStatus.Pending && a.ExpiresAt > now)
            .OrderBy(a => a.CreatedAt).ThenBy(a => a.Id, StringComparer.Ordinal)
            .Select(a => a.ToView())];
    }

    /// <summary>Waits for the owner's decision. Throws <see cref="OperationCanceledException"/> when the run is cancelled.</summary>
    public async Task<ApprovalOutcome> RequestAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        Prune();
        if (CannotShow(request.Arguments) is { } unshowable)
        {
            ApprovalsLog.Unshowable(logger, request.Tool, request.SkillId, request.ConversationId);
            return new ApprovalOutcome(false, unshowable);
        }
        var timeout = TimeSpan.FromSeconds(settings.GetInt32(SettingsCatalog.ApprovalTimeoutSeconds));
        var now = time.GetUtcNow();
        // In full and unredacted: only the owner sees it (the stored activity log does not keep the arguments).
        var arguments = request.Arguments.ValueKind == JsonValueKind.Undefined ? new JsonObject() : JsonNode.Parse(request.Arguments.GetRawText());
        var approval = new Approval(NewId(), request, arguments, ApprovalDisplay.Render(request.Arguments),
            now.ToUnixTimeMilliseconds(), (now + timeout).ToUnixTimeMilliseconds());
        _approvals[approval.Id] = approval;
        var status = ApprovalStatus.Cancelled;
        try
        {
            await using var timer = time.CreateTimer(_ => Settle(approval, ApprovalStatus.Expired), null, timeout, Timeout.InfiniteTimeSpan);
            await using var registration = cancellationToken.Register(() => Settle(approval, ApprovalStatus.Cancelled));
            ApprovalsLog.Requested(logger, approval.Id, request.Tool, request.SkillId, request.ConversationId);
            await bus.PublishAsync(new ApprovalRequested(Scope(approval), approval.Id, request.Tool, approval.Arguments, approval.Display, approval.ExpiresAt));
            Raise(Requested, approval);
            status = await approval.Completion.WaitAsync(cancellationToken);
        }
        finally
        {
            Settle(approval, ApprovalStatus.Cancelled); // no-op unless we left before a decision
            status = approval.Status;
            if (status is ApprovalStatus.Expired or ApprovalStatus.Cancelled)
            {
                _approvals.TryRemove(approval.Id, out _);
            }
            ApprovalsLog.Settled(logger, approval.Id, status.ToString());
            await bus.PublishAsync(new ApprovalDecided(Scope(approval), approval.Id, request.Tool, status == ApprovalStatus.Approved,
                status.ToString().ToLowerInvariant()));
        }
        return status switch
        {
            ApprovalStatus.Approved => new ApprovalOutcome(true, "approved by the owner"),
            ApprovalStatus.Denied => new ApprovalOutcome(false, "The owner denied this tool call."),
            ApprovalStatus.Expired => new ApprovalOutcome(false, "approval expired"),
            _ => throw new OperationCanceledException(cancellationToken),
        };
    }

    /// <summary>The owner's answer, from whichever surface asked.</summary>
    public ApprovalDecision Decide(string id, bool approve)
    {
        if (!_approvals.TryGetValue(id, out var approval))
        {
            return ApprovalDecision.NotFound;
        }
        if (approval.Status == ApprovalStatus.Pending && approval.ExpiresAt <= Now())
        {
            Settle(approval, ApprovalStatus.Expired);
        }
        if (Settle(approval, approve ? ApprovalStatus.Approved : ApprovalStatus.Denied))
        {
            return ApprovalDecision.Decided;
        }
        return approval.Status is ApprovalStatus.Approved or ApprovalStatus.Denied ? ApprovalDecision.AlreadyDecided : ApprovalDecision.NotFound;
    }

    private bool Settle(Approval approval, ApprovalStatus status)
    {
        if (!approval.TrySettle(status, Now()))
        {
            return false;
        }
        Raise(Settled, approval);
        return true;
    }

    private void Raise(Action<Approval>? handlers, Approval approval)
    {
        if (handlers is null)
        {
            return;
        }
        foreach (var handler in handlers.GetInvocationList().Cast<Action<Approval>>())
        {
            try
            {
                handler(approval);
            }
            catch (Exception ex)
            {
                ApprovalsLog.ListenerFailed(logger, approval.Id, ex);
            }
        }
    }

    private static EventScope Scope(Approval approval) =>
        new(approval.Request.RunId, approval.Request.ConversationId, null, approval.Request.SkillId);

    private void Prune()
    {
        var cutoff = Now() - (long)KeepDecided.TotalMilliseconds;
        foreach (var (id, approval) in _approvals)
        {
            if (approval.Status != ApprovalStatus.Pending && approval.DecidedAt < cutoff)
            {
                _approvals.TryRemove(id, out _);
            }
        }
    }

    /// <summary>Why the owner cannot be shown these arguments in full (so the call is refused unasked), or null.</summary>
    private static string? CannotShow(JsonElement arguments)
    {
        if (arguments.ValueKind == JsonValueKind.Undefined)
        {
            return null;
        }
        var bytes = System.Text.Encoding.UTF8.GetByteCount(arguments.GetRawText());
        if (bytes > ApprovalDisplay.MaxArgumentBytes)
        {
            return $"The call was refused without asking the owner: its arguments are too large to show for approval ({bytes} bytes; at most {ApprovalDisplay.MaxArgumentBytes}).";
        }
        return Hosting.JsonText.FindInvalid(arguments) is null ? null
            : "The call was refused without asking the owner: its arguments hold text that cannot be shown (invalid UTF-8 or a lone surrogate).";
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static string NewId() => "apr_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
}
