import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api';

/** Set by signing out, so the sign-in screen does not sign straight back in through Tailscale. */
export const SIGNED_OUT = 'openmotoko.signedOut';

export function Login({ onSignedIn }: { onSignedIn: () => void }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // Through 'tailscale serve' with auth.tailscaleIdentity on, the daemon knows who this is: try that
  // once, silently, unless the person has just signed out (then they meant it).
  useEffect(() => {
    if (sessionStorage.getItem(SIGNED_OUT)) return;
    api('POST', '/api/auth/tailscale').then(onSignedIn, () => undefined);
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('POST', '/api/auth/login', { password });
      setPassword('');
      sessionStorage.removeItem(SIGNED_OUT);
      onSignedIn();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'The daemon did not answer.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="center">
      <form class="card narrow" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">Sign in to OpenMotoko</h1>
        <label for="password">Password</label>
        <input id="password" type="password" autocomplete="current-password" required value={password}
          onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)} />
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" class="primary" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
    </main>
  );
}
