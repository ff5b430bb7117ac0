import { useState } from 'preact/hooks';
import { api } from '../api';
import { describe, when, type Plugin } from '../api-connect';
import { Field } from './field';

/** Installed channel plugins with their status, an install form (local path or npm package) and removal. */
export function PluginsPanel({ plugins, onChanged }: { plugins: Plugin[]; onChanged: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const remove = async (p: Plugin) => {
    if (!confirm(`Remove the plugin ${p.name ?? p.id}? Its channel settings and senders are forgotten; its conversations stay.`)) return;
    setError(null);
    try { await api('DELETE', `/api/channel-plugins/${encodeURIComponent(p.id)}`); onChanged(); } catch (e) { setError(describe(e)); }
  };
  return (
    <section class="card" aria-labelledby="plugins-title">
      <h2 id="plugins-title">Channel plugins</h2>
      <p class="hint">A plugin connects a chat app the daemon does not know. It runs as its own process and gets only the settings you give it.</p>
      {error && <p class="error" role="alert">{error}</p>}
      {plugins.length === 0 ? <p class="hint">No plugins installed.</p> : (
        <ul class="plain-list" aria-label="Installed plugins">
          {plugins.map((p) => (
            <li key={p.id} class="plugin">
              <div class="card-head">
                <span><strong>{p.name ?? p.id}</strong>{p.version && ` ${p.version}`} <code>{p.id}</code></span>
                <span class={`badge status-${p.status}`}>{p.status}</span>
              </div>
              <p class="hint break">{p.source === 'npm' ? `npm package ${p.package}` : `from ${p.path}`} · installed {when(p.installedAt)}</p>
              {p.lastError && <p class="error">{p.lastError}</p>}
              <button type="button" class="danger" onClick={() => remove(p)} aria-label={`Remove plugin ${p.name ?? p.id}`}>Remove</button>
            </li>
          ))}
        </ul>
      )}
      <InstallForm onInstalled={onChanged} />
    </section>
  );
}

function InstallForm({ onInstalled }: { onInstalled: () => void }) {
  const [source, setSource] = useState<'path' | 'npm'>('path');
  const [target, setTarget] = useState('');
  const [id, setId] = useState('');
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const install = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setStatus(null);
    const body: Record<string, string> = source === 'path' ? { path: target.trim() } : { packageName: target.trim() };
    if (id.trim()) body.id = id.trim();
    try {
      const plugin = await api<Plugin>('POST', '/api/channel-plugins/install', body);
      setStatus({ ok: true, text: `Installed ${plugin.name ?? plugin.id}.` });
      setTarget('');
      setId('');
      onInstalled();
    } catch (err) { setStatus({ ok: false, text: describe(err) }); }
    setBusy(false);
  };
  return (
    <form class="stack" onSubmit={install} aria-labelledby="plugin-install-title">
      <h3 id="plugin-install-title">Install a plugin</h3>
      <fieldset>
        <legend>From</legend>
        <label class="choice"><input type="radio" name="plugin-source" checked={source === 'path'} onChange={() => setSource('path')} /> A folder or file on this machine</label>
        <label class="choice"><input type="radio" name="plugin-source" checked={source === 'npm'} onChange={() => setSource('npm')} /> An npm package</label>
      </fieldset>
      <Field id="plugin-target" label={source === 'path' ? 'Absolute path' : 'npm package name (name or name@version)'}>
        <input id="plugin-target" required value={target} placeholder={source === 'path' ? '/home/me/my-plugin' : 'openmotoko-matrix@1.0.0'}
          onInput={(e) => setTarget((e.currentTarget as HTMLInputElement).value)} />
      </Field>
      <Field id="plugin-id" label="Channel id (optional)">
        <input id="plugin-id" pattern="[a-z][a-z0-9-]{0,39}" value={id} onInput={(e) => setId((e.currentTarget as HTMLInputElement).value)} />
      </Field>
      <button type="submit" class="primary" disabled={busy}>{busy ? 'Installing…' : 'Install plugin'}</button>
      {status && <p class={status.ok ? 'ok' : 'error'} role={status.ok ? 'status' : 'alert'}>{status.text}</p>}
    </form>
  );
}
