// The daemon's live feed (GET /api/events, server-sent events) shared by every part of a screen
// that listens: one connection for the union of the types wanted, reopened only when that changes.
import { useEffect, useRef } from 'preact/hooks';

/** One item of the feed: the same JSON as an item of GET /api/activity. */
export interface LiveEvent { id: string; type: string; conversationId: string | null; channel: string | null; data: Record<string, unknown>; createdAt: number }

type Listener = { types: string[]; handle: (event: LiveEvent) => void };

const listeners = new Set<Listener>();
let source: EventSource | null = null;
let openTypes = '';
let pending = false;

function reconcile() {
  pending = false;
  const types = [...new Set([...listeners].flatMap((l) => l.types))].sort();
  const key = types.join(',');
  if (key === openTypes) return;
  source?.close();
  source = null;
  openTypes = key;
  if (!types.length) return;
  source = new EventSource(`/api/events?types=${encodeURIComponent(key)}`);
  for (const type of types) {
    source.addEventListener(type, (message) => {
      let event: LiveEvent;
      try { event = JSON.parse((message as MessageEvent<string>).data); } catch { return; }
      for (const l of listeners) if (l.types.includes(type)) l.handle(event);
    });
  }
}

/** Calls handler for each live event of the given exact types while the caller is mounted. */
export function useLiveEvents(types: string[], handler: (event: LiveEvent) => void) {
  const latest = useRef(handler);
  latest.current = handler;
  const key = types.join(',');
  useEffect(() => {
    const listener: Listener = { types: key.split(','), handle: (e) => latest.current(e) };
    listeners.add(listener);
    if (!pending) { pending = true; queueMicrotask(reconcile); }
    return () => {
      listeners.delete(listener);
      if (!pending) { pending = true; queueMicrotask(reconcile); }
    };
  }, [key]);
}
