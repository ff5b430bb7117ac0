// The conversation's artifacts beside the chat: a panel on wide screens, a drawer on narrow ones.
// Kept current by the live artifact:* events (and a re-read when a run ends).
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ARTIFACT_EVENTS, listArtifacts, type ArtifactSummary } from '../api-artifacts';
import { useLiveEvents } from './live-events';
import { ArtifactView } from './artifacts-view';
import '../artifacts.css';

export interface ArtifactsState { items: ArtifactSummary[]; open: boolean; setOpen: (open: boolean) => void; refresh: () => void }

const wide = () => typeof matchMedia === 'function' && matchMedia('(min-width: 721px)').matches;

/** The artifacts of one conversation, and whether the panel is open (by default on wide screens). */
export function useArtifacts(conversationId: string | null): ArtifactsState {
  const [items, setItems] = useState<ArtifactSummary[]>([]);
  const [open, setOpen] = useState(wide);
  const current = useRef(conversationId);
  current.current = conversationId;
  // Reads whichever conversation is shown when called; an answer for another one is dropped.
  const refresh = useCallback(() => {
    const id = current.current;
    if (!id) return;
    listArtifacts(id).then((page) => { if (current.current === id) setItems(page.items); }).catch(() => undefined);
  }, []);
  useEffect(() => { setItems([]); refresh(); }, [conversationId]);
  useLiveEvents(ARTIFACT_EVENTS, (event) => {
    if (conversationId && (event.conversationId ?? event.data.conversationId) === conversationId) refresh();
  });
  return { items, open, setOpen, refresh };
}

/** Shows or hides the panel; only there when the conversation has artifacts. */
export function ArtifactsToggle({ state }: { state: ArtifactsState }) {
  if (!state.items.length) return null;
  const toggle = () => {
    state.setOpen(!state.open);
    if (!state.open) requestAnimationFrame(() => document.getElementById('artifacts-title')?.focus());
  };
  return (
    <button type="button" class="artifacts-toggle" aria-expanded={state.open} aria-controls="artifacts-panel" onClick={toggle}>
      Artifacts ({state.items.length})
    </button>
  );
}

export function ArtifactsPanel({ state }: { state: ArtifactsState }) {
  const [selected, setSelected] = useState<string | null>(null);
  if (!state.open || !state.items.length) return null;
  const current = state.items.find((a) => a.id === selected) ?? state.items[0];
  const close = () => {
    state.setOpen(false);
    requestAnimationFrame(() => document.querySelector<HTMLElement>('.artifacts-toggle')?.focus());
  };
  return (
    <aside id="artifacts-panel" class="artifacts" aria-labelledby="artifacts-title"
      onKeyDown={(e) => { if (e.key === 'Escape') close(); }}>
      <div class="artifacts-head">
        <h2 id="artifacts-title" tabIndex={-1}>Artifacts</h2>
        <button type="button" onClick={close}>Close</button>
      </div>
      <ul class="artifact-list">
        {state.items.map((a) => (
          <li key={a.id}>
            <button type="button" aria-current={a.id === current.id ? 'true' : undefined} onClick={() => setSelected(a.id)}>
              <span class="artifact-name">{a.title}</span>
              <span class="artifact-meta">{a.type === 'code' && a.language ? a.language : a.type} · v{a.version}</span>
            </button>
          </li>
        ))}
      </ul>
      <ArtifactView key={current.id} summary={current} />
    </aside>
  );
}
