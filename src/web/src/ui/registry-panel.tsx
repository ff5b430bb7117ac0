import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, get, type Settings } from '../api';
import { describe, when, type RegistrySearch } from '../api-connect';
import { Field } from './field';
import { RegistryEntryCard } from './registry-entry';

type State = { kind: 'loading' } | { kind: 'off'; message: string } | { kind: 'failed'; message: string } | { kind: 'ready'; result: RegistrySearch };

/**
 * The skill registry: search, install, uninstall and rate. Without registry.url the daemon answers
 * 503; that is a state to explain (and fix here), not an error.
 */
export function RegistryPanel({ settings, onSettings, onChanged }: { settings: Settings; onSettings: (s: Settings) => void; onChanged: () => void }) {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [query, setQuery] = useState('');
  const [verified, setVerified] = useState(false);
  const current = typeof settings['registry.url'] === 'string' ? settings['registry.url'] as string : '';

  const search = async (q = query, onlyVerified = verified) => {
    const params = new URLSearchParams({ limit: '50' });
    if (q.trim()) params.set('q', q.trim());
    if (onlyVerified) params.set('verified', 'true');
    try {
      setState({ kind: 'ready', result: await get<RegistrySearch>(`/api/registry/search?${params}`) });
    } catch (e) {
      if (e instanceof ApiError && e.status === 503) setState({ kind: 'off', message: e.message });
      else setState({ kind: 'failed', message: describe(e) });
    }
  };
  useEffect(() => { search(); }, [current]);

  const refresh = async () => {
    try { await api('POST', '/api/registry/refresh'); await search(); } catch (e) { setState({ kind: 'failed', message: describe(e) }); }
  };

  return (
    <section class="card" aria-labelledby="registry-title">
      <div class="card-head">
        <h2 id="registry-title">Skill registry</h2>
        {state.kind !== 'off' && <button type="button" onClick={refresh}>Refresh index</button>}
      </div>
      {state.kind === 'off' ? (
        <div class="notice" role="status">
          <p><strong>No skill registry is configured.</strong> Instruction skills come from a registry you choose: set its
            address below (the setting <code>registry.url</code>), or start the daemon with <code>OPENMOTOKO_REGISTRY_URL</code>.</p>
        </div>
      ) : <p class="hint">Instruction skills installed from <code>{current || 'the registry'}</code> start switched off; switch them on above.</p>}
      <RegistryAddress current={current} open={state.kind === 'off'} onSettings={onSettings} />
      {state.kind !== 'off' && (
        <form class="row" role="search" onSubmit={(e) => { e.preventDefault(); search(); }}>
          <label class="sr-only" for="registry-query">Search the registry</label>
          <input id="registry-query" type="search" class="grow" placeholder="Search skills (name, tag, author…)" value={query}
            onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)} />
          <label class="inline" for="registry-verified">
            <input id="registry-verified" type="checkbox" checked={verified}
              onChange={(e) => { const v = (e.currentTarget as HTMLInputElement).checked; setVerified(v); search(query, v); }} />
            <span>Verified only</span>
          </label>
          <button type="submit" class="primary">Search</button>
        </form>
      )}
      {state.kind === 'loading' && <p aria-busy="true">Loading…</p>}
      {state.kind === 'failed' && <p class="error" role="alert">{state.message}</p>}
      {state.kind === 'ready' && (
        <>
          <p class="hint" role="status">
            {state.result.total === 1 ? '1 skill' : `${state.result.total} skills`}; index fetched {when(state.result.fetchedAt)}
            {state.result.stale && ' (the registry is unreachable: this is the cached copy)'}
          </p>
          <ul class="entries">
            {state.result.entries.map((e) => <li key={e.id}><RegistryEntryCard entry={e} onChanged={() => { search(); onChanged(); }} /></li>)}
          </ul>
        </>
      )}
    </section>
  );
}

/** Where the registry is: the registry.url setting, set or cleared. */
function RegistryAddress({ current, open, onSettings }: { current: string; open: boolean; onSettings: (s: Settings) => void }) {
  const [url, setUrl] = useState(current);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => setUrl(current), [current]);
  const save = async (value: string | null) => {
    setStatus(null);
    try {
      onSettings(await api<Settings>('PUT', '/api/settings', { 'registry.url': value }));
      setStatus({ ok: true, text: value ? 'Saved.' : 'Registry switched off.' });
    } catch (e) { setStatus({ ok: false, text: describe(e) }); }
  };
  const form = (
    <form class="stack" onSubmit={(e) => { e.preventDefault(); save(url.trim() || null); }}>
      <Field id="registry-url" label="Registry URL">
        <input id="registry-url" type="url" required placeholder="https://skills.example.org/v1" value={url}
          onInput={(e) => setUrl((e.currentTarget as HTMLInputElement).value)} />
      </Field>
      <div class="row">
        <button type="submit" class="primary">Save registry</button>
        {current && <button type="button" onClick={() => save(null)}>Remove</button>}
      </div>
      {status && <p class={status.ok ? 'ok' : 'error'} role="status">{status.text}</p>}
    </form>
  );
  return open ? form : <details><summary>Registry address</summary>{form}</details>;
}
