import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { describe, fieldErrors, when, type Channel, type DmPolicy, type SchemaField } from '../api-connect';
import { ChannelConfigForm } from './channel-config';
import { ChannelSenders } from './channel-senders';

const POLICIES: { value: DmPolicy; label: string }[] = [
  { value: 'pairing', label: 'Pairing: strangers get a code for you to approve' },
  { value: 'allowlist', label: 'Allowlist: only the allowed sender ids' },
  { value: 'open', label: 'Open: anyone who finds it' },
];

/** One channel: status, on/off, who may talk to it, its settings and its senders. */
export function ChannelCard({ channel, schema, tick, onSaved }: {
  channel: Channel; schema?: Record<string, SchemaField>; tick: number; onSaved: (c: Channel) => void;
}) {
  const id = `ch-${channel.id}`;
  const [policy, setPolicy] = useState<DmPolicy>(channel.dmPolicy);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [enabled, setEnabled] = useState(channel.enabled); // the switch moves at once; the answer confirms or reverts it
  useEffect(() => setEnabled(channel.enabled), [channel.enabled]);

  const put = async (body: Record<string, unknown>, done: string) => {
    setStatus(null);
    setErrors({});
    try {
      const next = await api<Channel>('PUT', `/api/channels/${encodeURIComponent(channel.id)}`, body);
      onSaved(next);
      setPolicy(next.dmPolicy);
      setStatus({ ok: true, text: done });
      return true;
    } catch (e) {
      setErrors(fieldErrors(e));
      setStatus({ ok: false, text: describe(e) });
      return false;
    }
  };

  return (
    <section class="card channel" aria-labelledby={`${id}-name`}>
      <div class="card-head">
        <h2 id={`${id}-name`}>{channel.name}</h2>
        <span class={`badge status-${channel.status}`} data-testid={`${id}-status`}>{channel.status}</span>
      </div>
      <p class="hint">{channel.type === 'plugin' ? 'Plugin' : 'Built in'} · <code>{channel.id}</code> · last message {when(channel.lastMessageAt)}</p>
      {channel.lastError && <p class="error">{channel.lastError}</p>}
      <label class="inline" for={`${id}-enabled`}>
        <input id={`${id}-enabled`} type="checkbox" role="switch" checked={enabled}
          onChange={async (e) => {
            const on = (e.currentTarget as HTMLInputElement).checked;
            setEnabled(on);
            if (!await put({ enabled: on }, on ? 'Switched on.' : 'Switched off.')) setEnabled(channel.enabled);
          }} />
        <span>Enabled</span>
      </label>
      <div class="field">
        <label for={`${id}-policy`}>Who may talk to it</label>
        <select id={`${id}-policy`} value={policy} aria-describedby={errors.dmPolicy ? `${id}-policy-error` : undefined}
          onChange={(e) => setPolicy((e.currentTarget as HTMLSelectElement).value as DmPolicy)}>
          {POLICIES.map((p) => <option key={p.value} value={p.value}>{p.label}</option>)}
        </select>
        {errors.dmPolicy && <p id={`${id}-policy-error`} class="error">{errors.dmPolicy}</p>}
        {policy === 'open' && <p class="warning">Open lets anyone who finds {channel.name} use your agent, its tools and your budget.</p>}
      </div>
      <ChannelConfigForm key={JSON.stringify([channel.config, schema ?? null])} channel={channel} schema={schema} errors={errors}
        onSave={(config) => put({ config, dmPolicy: policy }, 'Saved; the channel restarts with these settings.')} />
      {status && <p class={status.ok ? 'ok' : 'error'} role="status">{status.text}</p>}
      <ChannelSenders channel={channel} tick={tick} />
    </section>
  );
}
