// The screens the header links to, besides chat. Each one is its own chunk, loaded when first
// shown, so the first load stays small however many screens the app grows. Add a screen with one
// line here.
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Settings } from './api';

/** What every screen gets: the current settings and a way to replace them after a change. */
export interface ScreenProps { settings: Settings; onSettings: (next: Settings) => void; path: string }

interface ScreenEntry { path: string; name: string; load: () => Promise<ComponentType<ScreenProps>> }

export const SCREENS: ScreenEntry[] = [
  { path: '/costs', name: 'Costs', load: () => import('./screens/costs').then((m) => m.Costs) },
  { path: '/scheduler', name: 'Scheduler', load: () => import('./screens/scheduler').then((m) => m.Scheduler) },
  { path: '/activity', name: 'Activity', load: () => import('./screens/activity').then((m) => m.Activity) },
  { path: '/webhooks', name: 'Webhooks', load: () => import('./screens/webhooks').then((m) => m.Webhooks) },
  { path: '/skills', name: 'Skills', load: () => import('./screens/skills').then((m) => m.Skills) },
  { path: '/channels', name: 'Channels', load: () => import('./screens/channels').then((m) => m.Channels) },
  { path: '/settings', name: 'Settings', load: () => import('./screens/settings').then((m) => m.SettingsScreen) },
];

/** The screen whose path is the current path or a prefix of it (/scheduler/abc belongs to /scheduler). */
export function screenFor(path: string): ScreenEntry | undefined {
  return SCREENS.find((s) => path === s.path || path.startsWith(s.path + '/'));
}

const loaded = new Map<string, ComponentType<ScreenProps>>();

/** Renders a lazily loaded screen, with a busy note while its chunk arrives. */
export function LazyScreen({ entry, ...props }: ScreenProps & { entry: ScreenEntry }) {
  const [Component, setComponent] = useState<ComponentType<ScreenProps> | undefined>(() => loaded.get(entry.path));
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    if (loaded.has(entry.path)) { setComponent(() => loaded.get(entry.path)); return; }
    let live = true;
    entry.load().then((c) => { loaded.set(entry.path, c); if (live) setComponent(() => c); },
      (e: Error) => { if (live) setFailed(e.message); });
    return () => { live = false; };
  }, [entry.path]);
  if (failed) return <main class="page"><p role="alert">This screen did not load: {failed}</p></main>;
  if (!Component) return <main class="page" aria-busy="true"><p>Loading…</p></main>;
  return <Component {...props} />;
}
