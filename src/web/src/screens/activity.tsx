import { useEffect, useRef, useState } from 'preact/hooks';
import { get, type Page } from '../api';
import { EVENT_TYPES, SOURCES, type ActivityItem, type Channel, type Skill } from '../api-ops';
import { Field } from '../ui/field';
import { AgentTree } from '../ui/ops-agents';
import { FeedItem } from '../ui/ops-feed';
import { messageOf } from '../ui/ops-format';
import '../ops.css';

interface Filters { type: string; channel: string; skillId: string }
const KEEP = 200;
const STATES = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', closed: 'Not connected' };
// Events after which the agent tree has something new to show.
const RUN_EVENTS = /^(message:received|message:sent|run:failed|agent:|webhook:triggered|gmail:received|scheduler:)/;

const byNewest = (a: ActivityItem, b: ActivityItem) => b.createdAt - a.createdAt || Number(b.id) - Number(a.id) || (b.id > a.id ? 1 : -1);
const passes = (item: ActivityItem, f: Filters) =>
  (!f.type || item.type === f.type) && (!f.channel || item.channel === f.channel) && (!f.skillId || item.skillId === f.skillId);

/** Activity: the agent runs (a tree of sub-agents, Kill on live ones) and the event feed, live from /api/events, with recent history. */
export function Activity() {
  const [filters, setFilters] = useState<Filters>({ type: '', channel: '', skillId: '' });
  const [items, setItems] = useState<ActivityItem[]>([]);
  const [loading, setLoading] = useState(true);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [connection, setConnection] = useState<'connecting' | 'live' | 'reconnecting' | 'closed'>('connecting');
  const [attempt, setAttempt] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [channels, setChannels] = useState<string[]>(SOURCES);
  const [skills, setSkills] = useState<Skill[]>([]);
  const [agentsRefresh, setAgentsRefresh] = useState(0);
  const agentsTimer = useRef<ReturnType<typeof setTimeout>>();
  /** Reloads the agent tree once a burst of run events has passed. */
  const refreshAgents = () => {
    clearTimeout(agentsTimer.current);
    agentsTimer.current = setTimeout(() => setAgentsRefresh((n) => n + 1), 250);
  };
  const current = useRef(filters);
  current.current = filters;

  const loadHistory = (f: Filters) => {
    const query = new URLSearchParams({ limit: '50' });
    if (f.type) query.set('type', f.type);
    if (f.channel) query.set('channel', f.channel);
    if (f.skillId) query.set('skillId', f.skillId);
    get<Page<ActivityItem>>(`/api/activity?${query}`).then((page) => {
      if (current.current !== f) return; // the filters changed meanwhile
      setItems((shown) => merge(page.items, shown.filter((i) => passes(i, f))));
      setError(null);
      setLoading(false);
    }, (e) => { setError(messageOf(e)); setLoading(false); });
  };

  useEffect(() => {
    get<Channel[]>('/api/channels').then((list) => setChannels([...SOURCES, ...list.map((c) => c.id).filter((id) => !SOURCES.includes(id))])).catch(() => undefined);
    get<Skill[]>('/api/skills').then(setSkills).catch(() => undefined);
    return () => clearTimeout(agentsTimer.current);
  }, []);
  useEffect(() => {
    const source = new EventSource('/api/events');
    let broken = attempt > 0; // a reconnect fetches what it missed
    const onItem = (event: MessageEvent<string>) => {
      let item: ActivityItem;
      try { item = JSON.parse(event.data); } catch { return; }
      if (RUN_EVENTS.test(item.type)) refreshAgents();
      if (!passes(item, current.current)) return;
      setItems((shown) => merge([item], shown));
      setFresh((f) => new Set(f).add(item.id));
    };
    for (const type of EVENT_TYPES) source.addEventListener(type, onItem as EventListener);
    // Missed events (a slow reader, a reconnect) are fetched from the stored feed instead.
    source.addEventListener('dropped', () => loadHistory(current.current));
    source.onopen = () => { setConnection('live'); if (broken) { broken = false; loadHistory(current.current); refreshAgents(); } };
    source.onerror = () => {
      broken = true;
      if (source.readyState !== EventSource.CLOSED) { setConnection('reconnecting'); return; }
      // The browser gave up (the daemon refused the stream): a signed-out session shows the sign-in screen.
      setConnection('closed');
      get('/api/settings').catch(() => undefined);
    };
    return () => source.close();
  }, [attempt]);
  useEffect(() => { setItems([]); setLoading(true); loadHistory(filters); }, [filters]);

  const set = (key: keyof Filters) => (e: Event) => setFilters({ ...filters, [key]: (e.currentTarget as HTMLSelectElement).value });

  return (
    <main class="page ops wide" aria-labelledby="activity-title">
      <h1 id="activity-title">Activity</h1>
      <div class="ops-columns">
        <section class="card" aria-labelledby="feed-title">
          <div class="page-head">
            <h2 id="feed-title">Events</h2>
            <p role="status" class={`live-state ${connection}`}>{STATES[connection]}</p>
            {connection === 'closed' && <button type="button" onClick={() => { setConnection('connecting'); setAttempt((n) => n + 1); }}>Reconnect</button>}
          </div>
          <div class="filters">
            <Field id="activity-type" label="Type">
              <select id="activity-type" value={filters.type} onChange={set('type')}>
                <option value="">All types</option>
                {EVENT_TYPES.map((t) => <option key={t} value={t}>{t}</option>)}
              </select>
            </Field>
            <Field id="activity-channel" label="Channel">
              <select id="activity-channel" value={filters.channel} onChange={set('channel')}>
                <option value="">All channels</option>
                {channels.map((c) => <option key={c} value={c}>{c}</option>)}
              </select>
            </Field>
            <Field id="activity-skill" label="Skill">
              <select id="activity-skill" value={filters.skillId} onChange={set('skillId')}>
                <option value="">All skills</option>
                {skills.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
              </select>
            </Field>
          </div>
          {error && <p class="error" role="alert">{error}</p>}
          {items.length ? <ol class="feed" aria-label="Events, newest first">{items.map((i) => <FeedItem key={i.id} item={i} fresh={fresh.has(i.id)} />)}</ol>
            : loading ? <p class="hint" aria-busy="true">Loading…</p> : <p class="hint">No events{filters.type || filters.channel || filters.skillId ? ' match these filters' : ' yet'}.</p>}
        </section>
        <section class="card" aria-labelledby="agents-title">
          <h2 id="agents-title">Agents</h2>
          <p class="hint">Runs of the last hour, with the sub-agents each one started.</p>
          <AgentTree refresh={agentsRefresh} />
        </section>
      </div>
    </main>
  );
}

/** Newest first, each event once, at most KEEP. */
function merge(incoming: ActivityItem[], shown: ActivityItem[]): ActivityItem[] {
  const seen = new Map<string, ActivityItem>();
  for (const item of [...incoming, ...shown]) if (!seen.has(item.id)) seen.set(item.id, item);
  return [...seen.values()].sort(byNewest).slice(0, KEEP);
}
