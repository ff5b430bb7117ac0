// Form fields the Scheduler and Webhooks forms share: the model a run uses, and a chat its answer is
// also sent to.
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api';
import type { Channel, DeliverTo } from '../api-ops';
import { Field } from './field';
import { ModelOptions } from './model-picker';

/** The model of each run: the daemon's default, an alias, or a configured provider's model. */
export function ModelField({ id, value, onChange }: { id: string; value: string; onChange: (model: string) => void }) {
  return (
    <Field id={id} label="Model">
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">The default model</option>
        <ModelOptions current={value} />
      </select>
    </Field>
  );
}

/**
 * "Also send the answer to a chat": a channel (enabled ones, and the one already named) and a chat id.
 * Shown only when there is a channel to choose.
 */
export function DeliverFields({ id, value, onChange, error }: { id: string; value: DeliverTo; onChange: (next: DeliverTo) => void; error?: string }) {
  const [channels, setChannels] = useState<Channel[]>([]);
  useEffect(() => {
    get<Channel[]>('/api/channels').then((list) => setChannels(list.filter((c) => c.enabled || c.id === value.channel))).catch(() => undefined);
  }, []);
  if (channels.length === 0) return null;
  return (
    <fieldset>
      <legend>Also send the answer to a chat (optional)</legend>
      <Field id={`${id}-channel`} label="Channel">
        <select id={`${id}-channel`} value={value.channel} onChange={(e) => onChange({ ...value, channel: e.currentTarget.value })}>
          <option value="">No chat</option>
          {channels.map((c) => <option key={c.id} value={c.id}>{c.name} ({c.status})</option>)}
        </select>
      </Field>
      {value.channel && (
        <Field id={`${id}-chat`} label="Chat id">
          <input id={`${id}-chat`} required value={value.chatId} aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : undefined} onInput={(e) => onChange({ ...value, chatId: e.currentTarget.value })} />
          {error && <p class="error" id={`${id}-error`}>{error}</p>}
        </Field>
      )}
    </fieldset>
  );
}

/** The deliverTo a form sends: both parts, or none. */
export const deliverBody = (value: DeliverTo): DeliverTo | undefined =>
  value.channel && value.chatId.trim() ? { channel: value.channel, chatId: value.chatId.trim() } : undefined;
