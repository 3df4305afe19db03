// On every page while the gateway has no admin key: says plainly that every local process may use
// it, with the one-click way out ("Require keys"). The admin key that creates is shown here once,
// held in this component's state only until dismissed; the session carries on with it.
import { useEffect, useRef, useState } from 'react';
import type { ApiClient } from '../api/create-api-client.js';
import type { RequiredAdminKey } from '../../../shared/api/admin-key-schemas.js';
import { SecretValue } from '../components/SecretValue.js';
import { ErrorNotice } from '../components/ErrorNotice.js';

export interface OpenModeBannerProps {
  api: ApiClient;
  onAdminKeyRequired?: ((adminKey: string) => void) | undefined;
}

export function OpenModeBanner({ api, onAdminKeyRequired }: OpenModeBannerProps) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<RequiredAdminKey | null>(null);

  useEffect(() => {
    let cancelled = false;
    api.settings().then(
      (settings) => {
        if (!cancelled) setOpen(!settings.server.admin_key_set);
      },
      // The pages show their own load errors; a banner that cannot tell stays hidden.
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [api]);

  const requireKeys = async () => {
    setBusy(true);
    setError(null);
    try {
      const result = await api.requireAdminKey();
      setCreated(result);
      setOpen(false);
      onAdminKeyRequired?.(result.key);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  if (created) return <AdminKeyNotice created={created} onDone={() => setCreated(null)} />;
  if (!open) return null;
  return (
    <section className="open-mode-banner" role="region" aria-labelledby="open-mode-title">
      <div className="open-mode-text">
        <h2 id="open-mode-title">Open to every local process</h2>
        <p>No admin key is set, so any program on this computer can use your models and change Switchboard without a key.</p>
        {error ? <ErrorNotice error={error} /> : null}
      </div>
      <button type="button" className="button-primary" disabled={busy} onClick={() => void requireKeys()}>
        {busy ? 'Requiring keys…' : 'Require keys'}
      </button>
    </section>
  );
}

function AdminKeyNotice({ created, onDone }: { created: RequiredAdminKey; onDone: () => void }) {
  const ref = useRef<HTMLElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <section ref={ref} tabIndex={-1} className="card card-warning open-mode-key" role="region" aria-labelledby="admin-key-title">
      <h2 id="admin-key-title">Keys are now required</h2>
      <p className="strong">This is the admin key. Copy it now: it will not be shown again.</p>
      <p className="small">
        Sign in to the dashboard and manage Switchboard with it; apps use their own keys from Keys. It is kept in {created.location} and used again when Switchboard restarts.
      </p>
      <SecretValue value={created.key} copyLabel="Copy the admin key" testId="admin-key" />
      <div className="actions">
        <button type="button" onClick={onDone}>
          I have copied it
        </button>
      </div>
    </section>
  );
}
