using System.Globalization;

namespace OpenMotoko.Channels;

/// <summary>
/// Who may talk to a channel (<c>dmPolicy</c>): <c>open</c> lets anyone in; <c>allowlist</c> only
/// the ids in <c>config.allowFrom</c>; <c>pairing</c> (default) those ids and every sender the owner
/// approved. A refused sender gets one short reply; under pairing it holds a code for the owner.
/// </summary>
internal sealed class ChatAccess(SenderStore senders)
{
    public async Task<bool> AllowsAsync(ChannelSettings settings, string senderId, CancellationToken cancellationToken)
    {
        if (settings.DmPolicy == DmPolicies.Open || settings.Telegram.AllowFrom.Contains(senderId, StringComparer.Ordinal))
        {
            return true;
        }
        return settings.DmPolicy == DmPolicies.Pairing && await senders.IsApprovedAsync(settings.Id, senderId, cancellationToken);
    }

    /// <summary>What a refused sender is told; under pairing its request (and only that) is stored.</summary>
    public async Task<string> RefusalAsync(ChannelSettings settings, ChatInbound inbound, CancellationToken cancellationToken)
    {
        if (settings.DmPolicy != DmPolicies.Pairing)
        {
            return $"This bot answers only the people its owner allowed. Your id is {inbound.SenderId}: the owner can add it to allowFrom.";
        }
        var (code, _) = await senders.PairingCodeAsync(settings.Id, inbound.SenderId, inbound.SenderName, inbound.ChatId, cancellationToken);
        var hours = SenderStore.CodeLifetime.TotalHours.ToString(CultureInfo.InvariantCulture);
        return $"This bot is private. Your pairing code is {code}; it expires in {hours} hour. " +
               $"Ask the owner to approve it with: openmotoko pairing approve {code} " +
               $"(or POST /api/channels/{settings.Id}/pairing/{code}/approve).";
    }
}
