import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, get, setUnauthorizedHandler, type Settings } from './api';
import { match, navigate, usePath } from './router';
import { applyTheme, type Theme } from './theme';
import { Login, SIGNED_OUT } from './screens/login';
import { Onboarding } from './screens/onboarding';
import { Chat } from './screens/chat';
import { LazyScreen, screenFor } from './screens';
import { Header } from './ui/header';

type State = { kind: 'loading' } | { kind: 'signedOut' } | { kind: 'signedIn'; settings: Settings } | { kind: 'failed'; message: string };

export function App() {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const path = usePath();

  const load = async () => {
    try {
      const settings = await get<Settings>('/api/settings');
      applyTheme((settings.theme as Theme) ?? 'system');
      setState({ kind: 'signedIn', settings });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) setState({ kind: 'signedOut' });
      else setState({ kind: 'failed', message: (error as Error).message });
    }
  };

  useEffect(() => {
    setUnauthorizedHandler(() => setState({ kind: 'signedOut' }));
    load();
  }, []);

  if (state.kind === 'loading') return <main class="center" aria-busy="true"><p>Loading…</p></main>;
  if (state.kind === 'failed') return <main class="center"><p role="alert">The daemon did not answer: {state.message}</p></main>;
  if (state.kind === 'signedOut') return <Login onSignedIn={load} />;

  const settings = state.settings;
  if (settings.onboardingComplete !== true) {
    return <Onboarding settings={settings} onDone={(next) => { setState({ kind: 'signedIn', settings: next }); navigate('/chat', true); }} />;
  }

  const setTheme = async (theme: Theme) => {
    applyTheme(theme);
    const next = await api<Settings>('PUT', '/api/settings', { theme });
    setState({ kind: 'signedIn', settings: next });
  };
  const signOut = async () => {
    await api('POST', '/api/auth/logout').catch(() => undefined);
    sessionStorage.setItem(SIGNED_OUT, '1');
    applyTheme('system');
    setState({ kind: 'signedOut' });
    navigate('/', true);
  };

  const chat = match('/chat/:id', path);
  const screen = screenFor(path);
  const onSettings = (next: Settings) => { applyTheme((next.theme as Theme) ?? 'system'); setState({ kind: 'signedIn', settings: next }); };
  return (
    <div class="shell">
      <Header path={path} theme={(settings.theme as Theme) ?? 'system'} onTheme={setTheme} onSignOut={signOut} />
      {screen
        ? <LazyScreen key={screen.path} entry={screen} settings={settings} onSettings={onSettings} path={path} />
        : <Chat key="chat" conversationId={chat?.id ?? null} settings={settings} />}
    </div>
  );
}
