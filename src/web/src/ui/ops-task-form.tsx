import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError, get } from '../api';
import type { DeliverTo, SchedulePreview, ScheduledTask } from '../api-ops';
import { Field } from './field';
import { describeCron } from './ops-cron';
import { DeliverFields, deliverBody, ModelField } from './ops-fields';
import { browserZone, epochToZoned, messageOf, when, zonedToEpoch, zones } from './ops-format';

interface Props { task: ScheduledTask | null; defaultZone: string; onSaved: (task: ScheduledTask) => void; onCancel: () => void }

/** Creates or edits a task: name, prompt, model, a cron schedule (described and previewed as it is typed) or one time in the task's zone, delivery. */
export function TaskForm({ task, defaultZone, onSaved, onCancel }: Props) {
  const [name, setName] = useState(task?.name ?? '');
  const [prompt, setPrompt] = useState(task?.payload.prompt ?? '');
  const [repeat, setRepeat] = useState(task ? task.cron !== null : true);
  const [cron, setCron] = useState(task?.cron ?? '0 7 * * 1-5');
  const [timezone, setTimezone] = useState(task?.timezone ?? (defaultZone || browserZone()));
  // A one-time run is typed as a wall-clock time in the task's zone (the zone field below), as cron is read.
  const [runAt, setRunAt] = useState(epochToZoned(task?.runAt ?? Date.now() + 3_600_000, timezone));
  const [model, setModel] = useState(task?.payload.model ?? '');
  const [deliver, setDeliver] = useState<DeliverTo>(task?.payload.deliverTo ?? { channel: '', chatId: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const agent = (task?.handler ?? 'agent') === 'agent';
  const zoneList = useMemo(zones, []);

  const save = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setFailure(null);
    const body: Record<string, unknown> = { name, timezone };
    if (repeat) body.cron = cron; else body.runAt = zonedToEpoch(runAt, timezone.trim());
    if (agent) {
      const payload: Record<string, unknown> = { prompt };
      if (model) payload.model = model;
      if (task?.payload.conversationId) payload.conversationId = task.payload.conversationId;
      const to = deliverBody(deliver);
      if (to) payload.deliverTo = to;
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
        <Field id="task-run-at" label="Run at (in the time zone below)">
          <input id="task-run-at" type="datetime-local" required value={runAt} {...invalid('runAt')} onInput={(e) => setRunAt(e.currentTarget.value)} />
          {problem('runAt')}
        </Field>
      )}
      <Field id="task-zone" label="Time zone">
        <input id="task-zone" list="task-zones" required value={timezone} {...invalid('timezone')} onInput={(e) => setTimezone(e.currentTarget.value)} />
        <datalist id="task-zones">{zoneList.map((z) => <option key={z} value={z} />)}</datalist>
        {problem('timezone')}
      </Field>
      {agent && <ModelField id="task-model" value={model} onChange={setModel} />}
      {agent && <DeliverFields id="task-deliver" value={deliver} onChange={setDeliver} error={errors.deliverTo} />}
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
