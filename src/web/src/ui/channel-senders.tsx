import { useEffect, useState } from 'preact/hooks';
import { api, get } from '../api';
import { describe, when, type Channel, type Sender } from '../api-connect';

/** Who asked to talk to a channel (approve with the code they were given) and who may (remove to make them pair again). */
export function ChannelSenders({ channel, tick }: { channel: Channel; tick: number }) {
  const [senders, setSenders] = useState<Sender[]>([]);
  const [error, setError] = useState<string | null>(null);
  const base = `/api/channels/${encodeURIComponent(channel.id)}`;
  const load = () => get<Sender[]>(`${base}/senders`).then((s) => { setSenders(s); setError(null); }).catch((e) => setError(describe(e)));
  useEffect(() => { load(); }, [channel.id, tick]);
  useEffect(() => {
    // A refused stranger makes no event (nothing they write is recorded), so pairing requests are polled.
    if (!channel.enabled || channel.dmPolicy !== 'pairing') return;
    const timer = setInterval(() => { if (document.visibilityState === 'visible') load(); }, 10000);
    return () => clearInterval(timer);
  }, [channel.id, channel.enabled, channel.dmPolicy]);

  const pending = senders.filter((s) => s.status === 'pending');
  const approved = senders.filter((s) => s.status === 'approved');
  const remove = async (s: Sender) => {
    if (!confirm(`Remove ${s.name ?? s.senderId}? They will have to pair again.`)) return;
    try { await api('DELETE', `${base}/senders/${encodeURIComponent(s.senderId)}`); await load(); } catch (e) { setError(describe(e)); }
  };

  return (
    <div class="senders">
      <div class="card-head">
        <h3>Senders</h3>
        <button type="button" onClick={load} aria-label={`Refresh ${channel.name} senders`}>Refresh</button>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {channel.dmPolicy === 'pairing' && (
        <p class="hint">A stranger who writes gets a 6-digit code (valid 1 hour) to pass on to you; enter it here to let them in.</p>
      )}
      {pending.length > 0 && (
        <ul class="plain-list" aria-label={`Waiting for approval on ${channel.name}`}>
          {pending.map((s) => <PendingSender key={s.senderId} sender={s} base={base} onDone={load} />)}
        </ul>
      )}
      {approved.length > 0 ? (
        <ul class="plain-list" aria-label={`Approved senders of ${channel.name}`}>
          {approved.map((s) => (
            <li key={s.senderId} class="row spread">
              <span>{s.name ?? s.senderId} <span class="hint">(id {s.senderId}, approved {when(s.approvedAt)})</span></span>
              <button type="button" onClick={() => remove(s)} aria-label={`Remove ${s.name ?? s.senderId}`}>Remove</button>
            </li>
          ))}
        </ul>
      ) : <p class="hint">No approved senders{channel.config.allowFrom ? ' besides the allowed ids' : ''}.</p>}
    </div>
  );
}

function PendingSender({ sender, base, onDone }: { sender: Sender; base: string; onDone: () => void }) {
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const who = sender.name ?? sender.senderId;
  const fid = `pair-${sender.channelId}-${sender.senderId}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const approve = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try { await api('POST', `${base}/pairing/${encodeURIComponent(code.trim())}/approve`); onDone(); } catch (err) { setError(describe(err)); }
  };
  return (
    <li>
      <form class="row" onSubmit={approve}>
        <span class="grow">{who} <span class="hint">(id {sender.senderId}, chat {sender.chatId}, code expires {when(sender.codeExpiresAt)})</span></span>
        <label class="sr-only" for={fid}>Pairing code from {who}</label>
        <input id={fid} class="code-input" inputMode="numeric" pattern="[0-9]{6}" maxLength={6} required placeholder="Code" value={code}
          onInput={(e) => setCode((e.currentTarget as HTMLInputElement).value)} />
        <button type="submit" class="primary" aria-label={`Approve ${who}`}>Approve</button>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
    </li>
  );
}
