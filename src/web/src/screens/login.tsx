import { useState } from 'preact/hooks';
import { api, ApiError } from '../api';

export function Login({ onSignedIn }: { onSignedIn: () => void }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('POST', '/api/auth/login', { password });
      setPassword('');
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
