import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError, get } from '../api';
import type { Channel, DeliverTo, SchedulePreview, ScheduledTask } from '../api-ops';
import { Field } from './field';
import { describeCron } from './ops-cron';
import { browserZone, messageOf, when, zones } from './ops-format';

interface Props { task: ScheduledTask | null; defaultZone: string; onSaved: (task: ScheduledTask) => void; onCancel: () => void }

/** A datetime-local value (the browser's local time) for epoch ms, and back. */
const toLocal = (ms: number) => { const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000); return d.toISOString().slice(0, 16); };
const fromLocal = (value: string) => new Date(value).getTime();

/** Creates or edits a task: name, prompt, a cron schedule (described and previewed as it is typed) or one time, zone, delivery. */
export function TaskForm({ task, defaultZone, onSaved, onCancel }: Props) {
  const [name, setName] = useState(task?.name ?? '');
  const [prompt, setPrompt] = useState(task?.payload.prompt ?? '');
  const [repeat, setRepeat] = useState(task ? task.cron !== null : true);
  const [cron, setCron] = useState(task?.cron ?? '0 7 * * 1-5');
  const [runAt, setRunAt] = useState(task?.runAt ? toLocal(task.runAt) : toLocal(Date.now() + 3_600_000));
  const [timezone, setTimezone] = useState(task?.timezone ?? (defaultZone || browserZone()));
  const [channels, setChannels] = useState<Channel[]>([]);
  const [deliver, setDeliver] = useState<DeliverTo>(task?.payload.deliverTo ?? { channel: '', chatId: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const agent = (task?.handler ?? 'agent') === 'agent';
  const zoneList = useMemo(zones, []);

  // Only channels that can deliver (and the one the task already names) are offered.
  useEffect(() => {
    get<Channel[]>('/api/channels').then((list) => setChannels(list.filter((c) => c.enabled || c.id === task?.payload.deliverTo?.channel))).catch(() => undefined);
  }, []);

  const save = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setFailure(null);
    const body: Record<string, unknown> = { name, timezone };
    if (repeat) body.cron = cron; else body.runAt = fromLocal(runAt);
    if (agent) {
      const payload: Record<string, unknown> = { prompt };
      if (task?.payload.model) payload.model = task.payload.model;
      if (task?.payload.conversationId) payload.conversationId = task.payload.conversationId;
      if (deliver.channel && deliver.chatId.trim()) payload.deliverTo = { channel: deliver.channel, chatId: deliver.chatId.trim() };
      body.payload = payload;
    }
    try {
      onSaved(task ? await api<ScheduledTask>('PUT', `/api/scheduler/tasks/${task.id}`, body) : await api<ScheduledTask>('POST', '/api/scheduler/tasks', body));
    } catch (e) {
      if (e instanceof ApiError && e.details?.length) {
        setErrors(Object.fromEntries(e.details.map((d) => [(d.path ?? d.field).replace(/^payload\./, ''), d.message])));
      }
      setFailure(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  const problem = (key: string) => errors[key] && <p class="error" id={`task-${key}-error`}>{errors[key]}</p>;
  const invalid = (key: string) => (errors[key] ? { 'aria-invalid': true, 'aria-describedby': `task-${key}-error` } : {});

  return (
    <form class="card task-form" onSubmit={save} aria-labelledby="task-form-title">
      <h2 id="task-form-title">{task ? `Edit “${task.name}”` : 'New task'}</h2>
      <Field id="task-name" label="Name">
        <input id="task-name" required maxLength={100} value={name} {...invalid('name')} onInput={(e) => setName(e.currentTarget.value)} />
        {problem('name')}
      </Field>
      {agent && (
        <Field id="task-prompt" label="Prompt (what the agent is asked each time)">
          <textarea id="task-prompt" rows={3} required value={prompt} {...invalid('prompt')} onInput={(e) => setPrompt(e.currentTarget.value)} />
          {problem('prompt')}
        </Field>
      )}
      <fieldset>
        <legend>When</legend>
        <label class="choice"><input type="radio" name="task-when" checked={repeat} onChange={() => setRepeat(true)} /> Repeat on a schedule (cron)</label>
        <label class="choice"><input type="radio" name="task-when" checked={!repeat} onChange={() => setRepeat(false)} /> Once</label>
      </fieldset>
      {repeat ? (
        <Field id="task-cron" label="Cron expression">
          <input id="task-cron" required value={cron} spellcheck={false} autoComplete="off" {...invalid('cron')}
            aria-describedby={errors.cron ? 'task-cron-error' : 'task-cron-help'} onInput={(e) => setCron(e.currentTarget.value)} />
          <p class="hint" id="task-cron-help">minute hour day month weekday (6 fields: seconds first), or @daily, @hourly …</p>
          {problem('cron')}
          <CronPreview cron={cron} timezone={timezone} />
        </Field>
      ) : (
        <Field id="task-run-at" label="Run at (your browser's local time)">
          <input id="task-run-at" type="datetime-local" required value={runAt} {...invalid('runAt')} onInput={(e) => setRunAt(e.currentTarget.value)} />
          {problem('runAt')}
        </Field>
      )}
      <Field id="task-zone" label="Time zone">
        <input id="task-zone" list="task-zones" required value={timezone} {...invalid('timezone')} onInput={(e) => setTimezone(e.currentTarget.value)} />
        <datalist id="task-zones">{zoneList.map((z) => <option key={z} value={z} />)}</datalist>
        {problem('timezone')}
      </Field>
      {agent && channels.length > 0 && (
        <fieldset>
          <legend>Also send the answer to a chat (optional)</legend>
          <Field id="task-deliver-channel" label="Channel">
            <select id="task-deliver-channel" value={deliver.channel} onChange={(e) => setDeliver({ ...deliver, channel: e.currentTarget.value })}>
              <option value="">No chat</option>
              {channels.map((c) => <option key={c.id} value={c.id}>{c.name} ({c.status})</option>)}
            </select>
          </Field>
          {deliver.channel && (
            <Field id="task-deliver-chat" label="Chat id">
              <input id="task-deliver-chat" required value={deliver.chatId} {...invalid('deliverTo')} onInput={(e) => setDeliver({ ...deliver, chatId: e.currentTarget.value })} />
              {problem('deliverTo')}
            </Field>
          )}
        </fieldset>
      )}
      {failure && <p class="error" role="alert">{failure}</p>}
      <div class="row">
        <button type="submit" class="primary" disabled={busy}>{task ? 'Save task' : 'Create task'}</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}

/** The expression in words and its next 5 times (from the daemon, computed as the scheduler will), refreshed as it is typed. */
function CronPreview({ cron, timezone }: { cron: string; timezone: string }) {
  const [preview, setPreview] = useState<SchedulePreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    const timer = setTimeout(() => {
      const query = new URLSearchParams({ cron: cron.trim() });
      if (timezone.trim()) query.set('timezone', timezone.trim());
      get<SchedulePreview>(`/api/scheduler/preview?${query}`, abort.signal)
        .then((p) => { setPreview(p); setError(null); })
        .catch((e) => { if (!abort.signal.aborted) { setPreview(null); setError(messageOf(e)); } });
    }, 250);
    return () => { clearTimeout(timer); abort.abort(); };
  }, [cron, timezone]);
  const words = describeCron(cron);
  return (
    <div class="cron-preview" aria-live="polite">
      {!error && words && <p class="cron-words" data-testid="cron-words">{words}{preview ? ` (${preview.timezone})` : ''}</p>}
      {error ? <p class="error">{error}</p> : preview && (
        <>
          <h3 id="task-next-title">Next {preview.next.length} runs</h3>
          <ol aria-labelledby="task-next-title" class="next-runs">
            {preview.next.map((t) => <li key={t}><time dateTime={new Date(t).toISOString()}>{when(t, preview.timezone)}</time></li>)}
          </ol>
        </>
      )}
    </div>
  );
}
