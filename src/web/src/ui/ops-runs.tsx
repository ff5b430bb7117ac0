import { useEffect, useState } from 'preact/hooks';
import { get, type Page } from '../api';
import type { ScheduledTask, TaskRun } from '../api-ops';
import { navigate } from '../router';
import { Markdown } from './markdown';
import { duration, messageOf, usd, when } from './ops-format';

/**
 * A task's runs, newest first, each with its output (Markdown, sanitised) or error. Polls while a
 * run is going, or until <paramref name="expectRunId"/> (a run just started with "Run now") is
 * listed and finished, then tells the screen (whose task status changed).
 */
export function RunHistory({ task, expectRunId, onChanged }: { task: ScheduledTask; expectRunId: string | null; onChanged: () => void }) {
  const [runs, setRuns] = useState<TaskRun[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const page = await get<Page<TaskRun>>(`/api/scheduler/tasks/${task.id}/runs?limit=20`);
        if (!live) return;
        setRuns(page.items);
        setError(null);
        const expected = expectRunId ? page.items.find((r) => r.id === expectRunId) : undefined;
        if (page.items.some((r) => r.status === 'running') || (expectRunId && !expected)) {
          timer = setTimeout(load, 700);
        } else if (expected) {
          onChanged();
        }
      } catch (e) {
        if (live) setError(messageOf(e));
      }
    };
    load();
    return () => { live = false; clearTimeout(timer); };
  }, [task.id, expectRunId]);

  return (
    <section class="card" aria-labelledby="runs-title">
      <h2 id="runs-title">Runs of “{task.name}”</h2>
      {error && <p class="error" role="alert">{error}</p>}
      {runs === null ? <p class="hint" aria-busy="true">Loading…</p> : runs.length === 0 ? <p class="hint">No runs yet.</p> : (
        <ol class="runs">
          {runs.map((run) => (
            <li key={run.id}>
              <article class="run" aria-label={`Run of ${when(run.startedAt)}, ${run.status}`}>
                <p class="run-head">
                  <span class={`badge ${run.status}`}>{run.status}</span>
                  <span>{run.trigger}</span>
                  <time dateTime={new Date(run.startedAt).toISOString()}>{when(run.startedAt)}</time>
                  <span>{duration(run.durationMs)}</span>
                  <span>{usd(run.cost)}</span>
                  {run.conversationId && (
                    <a href={`/chat/${run.conversationId}`} onClick={(e) => { e.preventDefault(); navigate(`/chat/${run.conversationId}`); }}>Open conversation</a>
                  )}
                </p>
                {run.output && <div class="run-output"><Markdown text={run.output} /></div>}
                {run.error && <p class="error">{run.error}</p>}
              </article>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
