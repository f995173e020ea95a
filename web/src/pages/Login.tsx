// The sign-in page.
import { useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api';
import type { Me } from '../lib/types';

export function Login({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main class="login" id="main">
      <form
        class="login-card"
        aria-labelledby="login-title"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            onSignedIn(await api('POST /api/auth/login', { body: { username, password } }));
          } catch (err) {
            setError(err instanceof ApiError ? err.body.error : 'The server does not answer.');
          } finally {
            setBusy(false);
          }
        }}
      >
        <h1 id="login-title">m365hunt</h1>
        <p class="muted">Find and stop data exfiltration in Microsoft 365.</p>
        <label>
          Account
          <input
            name="username"
            autoComplete="username"
            required
            autoFocus
            value={username}
            onInput={(e) => setUsername((e.currentTarget as HTMLInputElement).value)}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)}
          />
        </label>
        {error ? (
          <p class="state error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
