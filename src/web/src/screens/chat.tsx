import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, get, postStream, type Conversation, type ConversationDetail, type Message, type Page, type Settings, type Usage } from '../api';
import { navigate } from '../router';
import { ConversationList } from '../ui/conversations';
import { ModelPicker } from '../ui/model-picker';
import { Markdown } from '../ui/markdown';
import { ApprovalCard, MessageList, ToolFold, Usage as UsageLine, type LiveApproval, type LiveTool } from '../ui/messages';
import { watchRun } from '../ui/run-watch';
import { ArtifactsPanel, ArtifactsToggle, useArtifacts } from '../ui/artifacts';
import { TodayCost } from '../ui/today-cost';

/** The run being answered: what has streamed in so far. */
interface Live {
  conversationId: string; user: string; text: string; tools: LiveTool[]; approvals: LiveApproval[];
  runId: string | null; status: 'streaming' | 'reconnecting' | 'stopping'; error?: string;
}

export function Chat({ conversationId, settings }: { conversationId: string | null; settings: Settings }) {
  const [list, setList] = useState<Conversation[]>([]);
  const [detail, setDetail] = useState<ConversationDetail | null>(null);
  const [live, setLive] = useState<Live | null>(null);
  const [draft, setDraft] = useState('');
  const [model, setModel] = useState('');
  const [error, setError] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);
  const end = useRef<HTMLDivElement>(null);
  const artifacts = useArtifacts(conversationId);

  const loadList = () => get<Page<Conversation>>('/api/conversations?limit=100').then((p) => setList(p.items)).catch(() => undefined);
  const loadDetail = async (id: string) => {
    try { setDetail(await get<ConversationDetail>(`/api/conversations/${id}`)); } catch (e) {
      if (e instanceof ApiError && e.status === 404) navigate('/chat', true);
    }
  };

  // The live turn as of this render: the effect below reads it to tell a conversation this page has
  // just created and is streaming into (its answer arrives on the stream, then finish() loads it)
  // from one opened by navigation (load it, and follow a run still answering there).
  const liveNow = useRef<Live | null>(null);
  liveNow.current = live;

  useEffect(() => { loadList(); }, []);
  useEffect(() => {
    setDetail(null);
    setError(null);
    if (!conversationId || liveNow.current?.conversationId === conversationId) return;
    loadDetail(conversationId);
    // A run still answering here (started before a reload or from elsewhere): follow it to its end.
    get<Page<{ id: string; conversationId: string; status: string; depth: number }>>('/api/agents').then((runs) => {
      const running = runs.items.find((r) => r.conversationId === conversationId && r.depth === 0 && ['queued', 'running'].includes(r.status));
      if (running) follow(conversationId, running.id, '');
    }).catch(() => undefined);
  }, [conversationId]);
  useEffect(() => { end.current?.scrollIntoView({ block: 'end' }); }, [detail, live?.text, live?.tools.length, live?.approvals.length]);

  /** Waits for a run whose stream was lost, then shows its stored answer. */
  const follow = (id: string, runId: string, user: string) => {
    setLive((l) => ({ ...(l ?? { conversationId: id, user, text: '', tools: [], approvals: [] }), runId, status: 'reconnecting' }));
    watchRun(runId, id, (approvals) => setLive((l) => l && { ...l, approvals: merge(l.approvals, approvals) }))
      .then(() => finish(id));
  };

  const finish = async (id: string) => {
    const next = await get<ConversationDetail>(`/api/conversations/${id}`).catch(() => null);
    setDetail((current) => (current && current.id !== id ? current : next ?? current)); // set together with the end of the live turn: no flash
    setLive(null);
    loadList();
    artifacts.refresh();
  };

  const send = async (event?: Event) => {
    event?.preventDefault();
    const content = draft.trim();
    if (!content || live) return;
    setError(null);
    let id = conversationId;
    try {
      if (!id) {
        const created = await api<Conversation>('POST', '/api/conversations', { title: content.slice(0, 60) });
        id = created.id;
        navigate(`/chat/${id}`);
      }
    } catch (e) {
      setError((e as Error).message);
      return;
    }
    const target = id;
    setDraft('');
    const controller = new AbortController();
    abort.current = controller;
    let runId: string | null = null;
    setLive({ conversationId: target, user: content, text: '', tools: [], approvals: [], runId: null, status: 'streaming' });
    try {
      await postStream(`/api/conversations/${target}/messages`, model ? { content, model } : { content }, ({ event, data }) => {
        const d = data as Record<string, unknown>;
        setLive((l) => {
          if (!l) return l;
          switch (event) {
            case 'message.delta': return { ...l, text: l.text + String(d.text ?? '') };
            case 'tool.call': return { ...l, tools: [...l.tools, { id: String(d.id), name: String(d.name), arguments: d.arguments }] };
            case 'tool.result': return { ...l, tools: l.tools.map((t) => t.id === d.id ? { ...t, output: String(d.output), isError: d.isError === true } : t) };
            case 'approval.required': return { ...l, approvals: merge(l.approvals, [{ approvalId: String(d.approvalId), tool: String(d.tool), display: String(d.display) }]) };
            case 'error': return { ...l, error: String(d.error ?? 'The run failed.') };
            default: return l;
          }
        });
      }, (id) => { runId = id; setLive((l) => l && { ...l, runId: id }); }, controller.signal);
      await finish(target);
    } catch (e) {
      if (e instanceof ApiError) {
        setError(e.message);
        setDraft(content);
        setLive(null);
      } else if (runId) {
        follow(target, runId, content); // the connection dropped; the run goes on without it
      } else {
        setError('The daemon did not answer.');
        setLive(null);
      }
    }
  };

  const stop = async () => {
    if (!live?.runId) return;
    setLive({ ...live, status: 'stopping' });
    await api('DELETE', `/api/agents/${live.runId}`).catch(() => undefined);
  };

  const create = async () => { navigate('/chat'); setDetail(null); setDraft(''); };
  const rename = async (id: string, title: string) => {
    await api('PATCH', `/api/conversations/${id}`, { title }).catch((e) => setError(e.message));
    loadList();
    if (id === conversationId) loadDetail(id);
  };
  const remove = async (id: string) => {
    await api('DELETE', `/api/conversations/${id}`).catch((e) => setError(e.message));
    if (id === conversationId) navigate('/chat', true);
    loadList();
  };

  const shown = live && live.conversationId === conversationId ? live : null;
  const total = (detail?.messages ?? []).reduce<Usage>((sum, m) => ({ inputTokens: sum.inputTokens + (m.inputTokens ?? 0),
    outputTokens: sum.outputTokens + (m.outputTokens ?? 0), cost: sum.cost + (m.cost ?? 0) }), { inputTokens: 0, outputTokens: 0, cost: 0 });

  return (
    <div class="chat">
      <ConversationList items={list} current={conversationId} onNew={create} onRename={rename} onDelete={remove} />
      <main class="thread" aria-labelledby="thread-title">
        <div class="thread-head">
          <h1 id="thread-title">{detail?.title || (conversationId ? 'Untitled' : 'New conversation')}</h1>
          {detail && <UsageLine m={{ inputTokens: total.inputTokens, outputTokens: total.outputTokens, cost: total.cost }} />}
          <TodayCost />
          <ArtifactsToggle state={artifacts} />
        </div>
        <div class="messages" aria-live="polite">
          {detail && <MessageList messages={detail.messages as Message[]} />}
          {shown && (
            <>
              {shown.user && <article class="message user" aria-label="You"><p class="plain">{shown.user}</p></article>}
              <article class="message assistant" aria-label="Assistant" aria-busy="true">
                {shown.text && <Markdown text={shown.text} />}
                {shown.tools.map((t) => <ToolFold key={t.id} call={t} output={t.output} isError={t.isError} />)}
                {shown.approvals.map((a) => <ApprovalCard key={a.approvalId} approval={a}
                  onDecided={(ok) => setLive((l) => l && { ...l, approvals: l.approvals.map((x) => x.approvalId === a.approvalId ? { ...x, decided: ok ? 'approved' : 'denied' } : x) })} />)}
                {shown.error && <p class="error" role="alert">{shown.error}</p>}
                <p class="hint">{shown.status === 'reconnecting' ? 'Connection lost; waiting for the answer…' : shown.status === 'stopping' ? 'Stopping…' : 'Answering…'}</p>
              </article>
            </>
          )}
          {!detail && !shown && <p class="hint">Ask anything. Answers stream in as they are written.</p>}
          <div ref={end} />
        </div>
        {error && <p class="error" role="alert">{error}</p>}
        <form class="composer" onSubmit={send}>
          <label class="sr-only" for="composer-input">Message</label>
          <textarea id="composer-input" rows={2} placeholder="Message (Enter sends, Shift+Enter for a new line)" value={draft}
            onInput={(e) => setDraft((e.currentTarget as HTMLTextAreaElement).value)}
            onKeyDown={(e) => { if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) send(e); }} />
          <div class="row">
            <ModelPicker value={model} onChange={setModel} defaultModel={String(settings.defaultModel ?? 'balanced')} />
            {live ? <button type="button" class="danger" onClick={stop} disabled={!live.runId || live.status === 'stopping'}>Stop</button>
              : <button type="submit" class="primary" disabled={!draft.trim()}>Send</button>}
          </div>
        </form>
      </main>
      <ArtifactsPanel state={artifacts} />
    </div>
  );
}

function merge(current: LiveApproval[], more: LiveApproval[]): LiveApproval[] {
  const known = new Set(current.map((a) => a.approvalId));
  return [...current, ...more.filter((a) => !known.has(a.approvalId))];
}
