import { useState } from 'preact/hooks';
import { api } from '../api';
import { describe, type RegistryEntry } from '../api-connect';

/** One registry skill: what it is, install or uninstall, and a rating form. */
export function RegistryEntryCard({ entry, onChanged }: { entry: RegistryEntry; onChanged: () => void }) {
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [stars, setStars] = useState('5');
  const [comment, setComment] = useState('');
  const id = `reg-${entry.id}`;

  const run = async (work: () => Promise<string>) => {
    setBusy(true);
    setStatus(null);
    try { setStatus({ ok: true, text: await work() }); } catch (e) { setStatus({ ok: false, text: describe(e) }); }
    setBusy(false);
  };
  const install = () => run(async () => {
    await api('POST', '/api/registry/install', { id: entry.id });
    onChanged();
    return 'Installed; switch it on under Skills.';
  });
  const uninstall = () => run(async () => {
    if (!confirm(`Uninstall ${entry.name}?`)) return '';
    await api('DELETE', `/api/registry/uninstall/${encodeURIComponent(entry.id)}`);
    onChanged();
    return 'Uninstalled.';
  });
  const rate = (e: Event) => {
    e.preventDefault();
    run(async () => {
      await api('POST', '/api/registry/rate', comment.trim() ? { skillId: entry.id, stars: Number(stars), comment: comment.trim() } : { skillId: entry.id, stars: Number(stars) });
      setComment('');
      return 'Thanks, the registry has your rating.';
    });
  };

  return (
    <article class="entry" aria-labelledby={`${id}-name`}>
      <div class="card-head">
        <h3 id={`${id}-name`}>{entry.name}</h3>
        {entry.verified && <span class="badge ok-badge">verified</span>}
      </div>
      <p class="hint">
        v{entry.version} by {entry.author || 'unknown'} · {entry.rating.toFixed(1)} of 5 stars · {entry.downloads.toLocaleString()} downloads
        {entry.installed && ` · installed v${entry.installedVersion}`}
      </p>
      <p>{entry.description}</p>
      {entry.tags.length > 0 && <p class="tags">{entry.tags.map((t) => <span key={t} class="badge">{t}</span>)}</p>}
      <div class="row">
        {entry.installed
          ? <button type="button" onClick={uninstall} disabled={busy} aria-label={`Uninstall ${entry.name}`}>Uninstall</button>
          : <button type="button" class="primary" onClick={install} disabled={busy} aria-label={`Install ${entry.name}`}>Install</button>}
      </div>
      <details>
        <summary>Rate {entry.name}</summary>
        <form class="stack" onSubmit={rate}>
          <label class="inline" for={`${id}-stars`}>
            <span>Stars</span>
            <select id={`${id}-stars`} value={stars} onChange={(e) => setStars((e.currentTarget as HTMLSelectElement).value)}>
              {['5', '4', '3', '2', '1'].map((s) => <option key={s} value={s}>{s}</option>)}
            </select>
          </label>
          <label for={`${id}-comment`}>Comment (optional)</label>
          <textarea id={`${id}-comment`} rows={2} maxLength={2000} value={comment} onInput={(e) => setComment((e.currentTarget as HTMLTextAreaElement).value)} />
          <button type="submit" disabled={busy}>Send rating</button>
        </form>
      </details>
      {status && status.text && <p class={status.ok ? 'ok' : 'error'} role="status">{status.text}</p>}
    </article>
  );
}
