// Sign-in with the admin (master) key or a member's own key (a key made for a user). The key goes to the gateway once to be checked and then
// into this tab's sessionStorage; it is never shown, autofilled into other fields, or logged.
import { useState, type FormEvent } from 'react';

export interface LoginPageProps {
  error: string | null;
  onSignIn: (adminKey: string) => Promise<void>;
}

export function LoginPage({ error, onSignIn }: LoginPageProps) {
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (key.trim() === '') return;
    setBusy(true);
    try {
      await onSignIn(key);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="login">
      <form className="card login-card" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
        <h1 id="login-title" className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Switchboard
        </h1>
        <p className="muted">
          Sign in with the admin key (the one set as SWITCHBOARD_MASTER_KEY or general_settings.master_key), or with a key made for your user: then you see your
          own keys, usage and teams.
        </p>
        <label htmlFor="admin-key">Key</label>
        <input
          id="admin-key"
          name="admin-key"
          type="password"
          autoComplete="current-password"
          spellCheck={false}
          autoFocus
          value={key}
          onChange={(e) => setKey(e.target.value)}
          aria-describedby={error ? 'login-error' : undefined}
          aria-invalid={error ? true : undefined}
        />
        {error ? (
          <p id="login-error" className="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="button-primary" disabled={busy || key.trim() === ''}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
        <p className="muted small">The key is kept for this browser tab only and forgotten when you close it.</p>
      </form>
    </main>
  );
}
