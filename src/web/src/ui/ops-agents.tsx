import { useEffect, useState } from 'preact/hooks';
import { api, get, type Page } from '../api';
import { LIVE_RUN, type AgentRun, type AgentRunDetail } from '../api-ops';
import { navigate } from '../router';
import { Markdown } from './markdown';
import { clock, messageOf, usd } from './ops-format';

const FIRST = 8;
const label = (run: AgentRun) => run.name ?? (run.task.length > 80 ? run.task.slice(0, 79) + '…' : run.task);

/**
 * The agent runs of the last hour as a tree: top-level runs with their sub-agents under them, a
 * Kill button on the ones still going. Reloads when <paramref name="refresh"/> changes (the feed
 * heard a run start or end) and every 2 s while a run is live.
 */
export function AgentTree({ refresh }: { refresh: number }) {
  const [runs, setRuns] = useState<AgentRun[] | null>(null);
  const [details, setDetails] = useState<Record<string, AgentRunDetail>>({});
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const [all, setAll] = useState(false);

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    get<Page<AgentRun>>('/api/agents').then((page) => {
      if (!live) return;
      setRuns(page.items);
      setError(null);
      if (page.items.some((r) => LIVE_RUN.includes(r.status))) timer = setTimeout(() => setTick((t) => t + 1), 2000);
    }, (e) => live && setError(messageOf(e)));
    return () => { live = false; clearTimeout(timer); };
  }, [refresh, tick]);

  const kill = async (run: AgentRun) => {
    try { await api('DELETE', `/api/agents/${run.id}`); } catch (e) { setError(messageOf(e)); }
    setTick((t) => t + 1);
  };
  const toggleDetail = async (run: AgentRun) => {
    if (details[run.id]) { setDetails((d) => { const next = { ...d }; delete next[run.id]; return next; }); return; }
    try {
      const detail = await get<AgentRunDetail>(`/api/agents/${run.id}`);
      setDetails((d) => ({ ...d, [run.id]: detail }));
    } catch (e) { setError(messageOf(e)); }
  };

  if (runs === null) return <p class="hint" aria-busy="true">{error ?? 'Loading…'}</p>;
  const known = new Set(runs.map((r) => r.id));
  const childrenOf = (id: string) => {
    const mine = runs.filter((r) => r.parentId === id);
    const extra = (details[id]?.children ?? []).filter((c) => !mine.some((m) => m.id === c.id));
    return [...mine, ...extra];
  };
  const roots = runs.filter((r) => !r.parentId || !known.has(r.parentId));
  const shown = all ? roots : roots.slice(0, FIRST);

  const node = (run: AgentRun) => {
    const kids = childrenOf(run.id);
    const detail = details[run.id];
    return (
      <li key={run.id}>
        <article class="agent" aria-label={`${run.depth ? 'Sub-agent' : 'Run'} ${label(run)}`}>
          <p class="agent-head">
            <span class={`badge ${run.status}`}>{run.status}</span>
            <span class="agent-name">{label(run)}</span>
          </p>
          <p class="hint agent-meta">
            {run.model ?? 'default model'} · {usd(run.spentUsd)}{run.budgetUsd != null && ` of ${usd(run.budgetUsd)}`} · {clock(run.startedAt)}
            {run.reason && ` · ${run.reason}`}{kids.length > 0 && ` · ${kids.length} sub-agent${kids.length > 1 ? 's' : ''}`}
          </p>
          <div class="row">
            {LIVE_RUN.includes(run.status) && (
              <button type="button" class="danger" onClick={() => kill(run)} disabled={run.status === 'cancelling'} aria-label={`Kill ${label(run)}`}>Kill</button>
            )}
            <button type="button" onClick={() => toggleDetail(run)} aria-expanded={!!detail}>Details</button>
            <a href={`/chat/${run.conversationId}`} onClick={(e) => { e.preventDefault(); navigate(`/chat/${run.conversationId}`); }}>Conversation</a>
          </div>
          {detail && (
            <div class="agent-detail">
              <p class="plain-text">{detail.task}</p>
              {detail.output ? <Markdown text={detail.output} /> : <p class="hint">No answer yet.</p>}
            </div>
          )}
        </article>
        {kids.length > 0 && <ul class="agent-tree" aria-label={`Sub-agents of ${label(run)}`}>{kids.map(node)}</ul>}
      </li>
    );
  };

  return (
    <>
      {error && <p class="error" role="alert">{error}</p>}
      {roots.length ? <ul class="agent-tree root">{shown.map(node)}</ul> : <p class="hint">No agent runs in the last hour.</p>}
      {shown.length < roots.length && <button type="button" onClick={() => setAll(true)}>Show all {roots.length} runs</button>}
    </>
  );
}
