import { useEffect, useState } from 'preact/hooks';
import { api, get, type Page } from '../api';
import type { ScheduledTask, TaskRun } from '../api-ops';
import type { ScreenProps } from '../screens';
import { describeCron } from '../ui/ops-cron';
import { messageOf, when } from '../ui/ops-format';
import { RunHistory } from '../ui/ops-runs';
import { TaskForm } from '../ui/ops-task-form';
import '../ops.css';

/** Scheduler: the tasks, a form to create or edit one (with a live preview of its schedule), toggle, run now, delete, and run history. */
export function Scheduler({ settings }: ScreenProps) {
  const [tasks, setTasks] = useState<ScheduledTask[] | null>(null);
  const [form, setForm] = useState<ScheduledTask | 'new' | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [expectRun, setExpectRun] = useState<TaskRun | null>(null);
  const [error, setError] = useState<string | null>(null);
  const defaultZone = typeof settings['app.timezone'] === 'string' ? settings['app.timezone'] as string : '';

  const load = () => get<Page<ScheduledTask>>('/api/scheduler/tasks?limit=100').then((p) => setTasks(p.items)).catch((e) => setError(messageOf(e)));
  useEffect(() => { load(); }, []);

  const act = async (work: () => Promise<unknown>) => {
    setError(null);
    try { await work(); } catch (e) { setError(messageOf(e)); }
    load();
  };
  const toggle = (t: ScheduledTask) => act(() => api('POST', `/api/scheduler/tasks/${t.id}/toggle`));
  const remove = (t: ScheduledTask) => {
    if (!confirm(`Delete the task “${t.name}” and its run history?`)) return;
    if (selected === t.id) setSelected(null);
    act(() => api('DELETE', `/api/scheduler/tasks/${t.id}`));
  };
  const runNow = (t: ScheduledTask) => act(async () => {
    const run = await api<TaskRun>('POST', `/api/scheduler/tasks/${t.id}/run`);
    setSelected(t.id);
    setExpectRun(run);
  });
  const saved = (t: ScheduledTask) => { setForm(null); setSelected(t.id); load(); };
  const shown = tasks?.find((t) => t.id === selected);

  return (
    <main class="page ops" aria-labelledby="scheduler-title">
      <div class="page-head">
        <h1 id="scheduler-title">Scheduler</h1>
        {form === null && <button type="button" class="primary" onClick={() => setForm('new')}>New task</button>}
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {form !== null && (
        <TaskForm key={form === 'new' ? 'new' : form.id} task={form === 'new' ? null : form} defaultZone={defaultZone}
          onSaved={saved} onCancel={() => setForm(null)} />
      )}
      {tasks === null ? <p class="hint" aria-busy="true">Loading…</p> : tasks.length === 0 ? (
        <p class="hint">No tasks yet. A task asks the agent something on a schedule (a morning briefing) or once (a reminder).</p>
      ) : (
        <ul class="plain-list">
          {tasks.map((t) => <li key={t.id}><TaskCard task={t} selected={t.id === selected} onToggle={() => toggle(t)} onRun={() => runNow(t)}
            onEdit={() => setForm(t)} onDelete={() => remove(t)} onHistory={() => setSelected(t.id === selected ? null : t.id)} /></li>)}
        </ul>
      )}
      {shown && <RunHistory key={shown.id} task={shown} expectRunId={expectRun?.taskId === shown.id ? expectRun.id : null} onChanged={load} />}
    </main>
  );
}

interface CardProps { task: ScheduledTask; selected: boolean; onToggle: () => void; onRun: () => void; onEdit: () => void; onDelete: () => void; onHistory: () => void }

function TaskCard({ task: t, selected, onToggle, onRun, onEdit, onDelete, onHistory }: CardProps) {
  const titleId = `task-${t.id}-title`;
  const [last, setLast] = useState<TaskRun | null>(null);
  useEffect(() => {
    get<Page<TaskRun>>(`/api/scheduler/tasks/${t.id}/runs?limit=1`).then((p) => setLast(p.items[0] ?? null)).catch(() => undefined);
  }, [t.id, t.lastRunAt, t.status]);
  const status = t.status === 'running' ? 'running' : last?.status ?? 'not run yet';
  const schedule = t.cron ? `${describeCron(t.cron) ?? t.cron} (${t.timezone})` : `Once, ${when(t.runAt, t.timezone)} (${t.timezone})`;
  return (
    <article class={`card task${t.enabled ? '' : ' disabled'}`} aria-labelledby={titleId}>
      <div class="task-head">
        <h2 id={titleId}>{t.name}</h2>
        <span class={`badge ${status}`}><span class="sr-only">Last status: </span>{status}</span>
      </div>
      <p class="task-schedule">{schedule}{t.cron && <> · <code>{t.cron}</code></>}</p>
      {t.handler === 'agent' ? <p class="task-prompt">{t.payload.prompt}</p> : <p class="hint">Backs up the database (keeps {t.payload.keep ?? 7}).</p>}
      <dl class="facts">
        <div><dt>Next run</dt><dd>{t.enabled ? when(t.nextRunAt, t.timezone) : 'Disabled'}</dd></div>
        <div><dt>Last run</dt><dd>{when(t.lastRunAt, t.timezone)}</dd></div>
        {t.payload.model && <div><dt>Model</dt><dd>{t.payload.model}</dd></div>}
        {t.payload.deliverTo && <div><dt>Also sent to</dt><dd>{t.payload.deliverTo.channel} {t.payload.deliverTo.chatId}</dd></div>}
      </dl>
      <div class="row">
        <label class="switch"><input type="checkbox" role="switch" checked={t.enabled} onChange={onToggle} /> Enabled</label>
        <button type="button" class="primary" onClick={onRun} disabled={t.status === 'running'}>Run now</button>
        <button type="button" onClick={onHistory} aria-expanded={selected}>History</button>
        <button type="button" onClick={onEdit}>Edit</button>
        <button type="button" class="danger" onClick={onDelete}>Delete</button>
      </div>
    </article>
  );
}
