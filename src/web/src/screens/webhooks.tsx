import { useEffect, useState } from 'preact/hooks';
import { api, get, type Conversation, type Page } from '../api';
import type { DeliverTo, Webhook } from '../api-ops';
import { navigate } from '../router';
import { Field } from '../ui/field';
import { DeliverFields, deliverBody, ModelField } from '../ui/ops-fields';
import { messageOf, when } from '../ui/ops-format';
import { CopyField, SecretOnce } from '../ui/ops-secret';
import '../ops.css';

/** Webhooks: create (secret and URL shown once), toggle, rotate the secret, delete; the list follows triggers live. */
export function Webhooks() {
  const [hooks, setHooks] = useState<Webhook[] | null>(null);
  const [fresh, setFresh] = useState<{ webhook: Webhook; rotated: boolean } | null>(null);
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = () => get<Page<Webhook>>('/api/webhooks?limit=100').then((p) => setHooks(p.items)).catch((e) => setError(messageOf(e)));
  useEffect(() => {
    load();
    // A trigger from elsewhere updates "last triggered" without a reload.
    const source = new EventSource('/api/events?types=webhook:triggered');
    source.addEventListener('webhook:triggered', () => load());
    return () => source.close();
  }, []);

  const act = async (work: () => Promise<unknown>) => {
    setError(null);
    try { await work(); } catch (e) { setError(messageOf(e)); }
    load();
  };
  const rotate = (w: Webhook) => {
    if (!confirm(`Rotate the secret of “${w.name}”? The current secret stops working at once.`)) return;
    act(async () => setFresh({ webhook: await api<Webhook>('POST', `/api/webhooks/${w.id}/rotate-secret`), rotated: true }));
  };
  const remove = (w: Webhook) => {
    if (!confirm(`Delete the webhook “${w.name}”? Callers using it will get 404.`)) return;
    if (fresh?.webhook.id === w.id) setFresh(null);
    act(() => api('DELETE', `/api/webhooks/${w.id}`));
  };

  return (
    <main class="page ops" aria-labelledby="webhooks-title">
      <div class="page-head">
        <h1 id="webhooks-title">Webhooks</h1>
        {!creating && <button type="button" class="primary" onClick={() => { setCreating(true); setFresh(null); }}>New webhook</button>}
      </div>
      <p class="hint">A webhook is a URL another service (GitHub, Home Assistant, a script) calls to start an agent run with what it sends.</p>
      {error && <p class="error" role="alert">{error}</p>}
      {fresh && <SecretOnce webhook={fresh.webhook} rotated={fresh.rotated} onDone={() => setFresh(null)} />}
      {creating && <WebhookForm onCreated={(w) => { setCreating(false); setFresh({ webhook: w, rotated: false }); load(); }} onCancel={() => setCreating(false)} />}
      {hooks === null ? <p class="hint" aria-busy="true">Loading…</p> : hooks.length === 0 ? <p class="hint">No webhooks yet.</p> : (
        <ul class="plain-list">
          {hooks.map((w) => (
            <li key={w.id}>
              <article class={`card task${w.enabled ? '' : ' disabled'}`} aria-labelledby={`hook-${w.id}-title`}>
                <div class="task-head">
                  <h2 id={`hook-${w.id}-title`}>{w.name}</h2>
                  <span class={`badge ${w.enabled ? 'succeeded' : 'skipped'}`}>{w.enabled ? 'enabled' : 'disabled'}</span>
                </div>
                <CopyField id={`hook-${w.id}-url`} label="Trigger URL" value={w.triggerUrl} />
                <dl class="facts">
                  <div><dt>Secret</dt><dd>ends in <code>{w.secretHint}</code></dd></div>
                  <div><dt>Last triggered</dt><dd data-testid="last-triggered">{w.lastTriggeredAt ? when(w.lastTriggeredAt) : 'Never'}</dd></div>
                  <div><dt>Answers go to</dt><dd>{w.targetConversationId
                    ? <a href={`/chat/${w.targetConversationId}`} onClick={(e) => { e.preventDefault(); navigate(`/chat/${w.targetConversationId}`); }}>its conversation</a>
                    : 'a new conversation per trigger'}</dd></div>
                  {w.model && <div><dt>Model</dt><dd>{w.model}</dd></div>}
                  {w.deliverTo && <div><dt>Also sent to</dt><dd>{w.deliverTo.channel} {w.deliverTo.chatId}</dd></div>}
                </dl>
                {w.prompt && <details><summary>Prompt template</summary><pre>{w.prompt}</pre></details>}
                <div class="row">
                  <label class="switch"><input type="checkbox" role="switch" checked={w.enabled} onChange={() => act(() => api('POST', `/api/webhooks/${w.id}/toggle`))} /> Enabled</label>
                  <button type="button" onClick={() => rotate(w)}>Rotate secret</button>
                  <button type="button" class="danger" onClick={() => remove(w)}>Delete</button>
                </div>
              </article>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}

function WebhookForm({ onCreated, onCancel }: { onCreated: (w: Webhook) => void; onCancel: () => void }) {
  const [name, setName] = useState('');
  const [prompt, setPrompt] = useState('');
  const [target, setTarget] = useState('');
  const [model, setModel] = useState('');
  const [deliver, setDeliver] = useState<DeliverTo>({ channel: '', chatId: '' });
  const [conversations, setConversations] = useState<Conversation[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => { get<Page<Conversation>>('/api/conversations?limit=100').then((p) => setConversations(p.items)).catch(() => undefined); }, []);

  const create = async (event: Event) => {
    event.preventDefault();
    setError(null);
    const body: Record<string, unknown> = { name };
    if (prompt.trim()) body.prompt = prompt;
    if (target) body.targetConversationId = target;
    if (model) body.model = model;
    const to = deliverBody(deliver);
    if (to) body.deliverTo = to;
    try { onCreated(await api<Webhook>('POST', '/api/webhooks', body)); } catch (e) { setError(messageOf(e)); }
  };

  return (
    <form class="card" onSubmit={create} aria-labelledby="webhook-form-title">
      <h2 id="webhook-form-title">New webhook</h2>
      <Field id="webhook-name" label="Name">
        <input id="webhook-name" required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </Field>
      <Field id="webhook-prompt" label="Prompt template (optional)">
        <textarea id="webhook-prompt" rows={3} value={prompt} aria-describedby="webhook-prompt-help" onInput={(e) => setPrompt(e.currentTarget.value)} />
        <p class="hint" id="webhook-prompt-help">Use {'{{body}}'}, {'{{body.field.sub}}'} or {'{{headers.name}}'}. Without one the agent gets the whole payload.</p>
      </Field>
      <Field id="webhook-target" label="Answers go to">
        <select id="webhook-target" value={target} onChange={(e) => setTarget(e.currentTarget.value)}>
          <option value="">A new conversation per trigger</option>
          {conversations.map((c) => <option key={c.id} value={c.id}>{c.title || 'Untitled'}</option>)}
        </select>
      </Field>
      <ModelField id="webhook-model" value={model} onChange={setModel} />
      <DeliverFields id="webhook-deliver" value={deliver} onChange={setDeliver} />
      {error && <p class="error" role="alert">{error}</p>}
      <div class="row">
        <button type="submit" class="primary">Create webhook</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </form>
  );
}
