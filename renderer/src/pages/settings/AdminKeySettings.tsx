// Settings' "Admin key": where the admin key comes from and, for the one "Require keys" created,
// Rotate (a new key, shown here once; the old one stops working and this tab carries on with the
// new one) and Remove (after a confirmation: the gateway is open to every local process again).
// A key set in the environment, the config or by the desktop app is changed where it is set; this
// section says where. The new key lives in this component's state only until dismissed.
import { useEffect, useId, useRef, useState } from 'react';
import type { ApiClient } from '../../api/create-api-client.js';
import { useApi } from '../../api/use-api.js';
import { LoadState } from '../../components/LoadState.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { ConfirmButton } from '../../components/ConfirmButton.js';
import { SecretValue } from '../../components/SecretValue.js';
import type { AdminKeyStatus, RequiredAdminKey } from '../../../../shared/api/admin-key-schemas.js';

export interface AdminKeySettingsProps {
  api: ApiClient;
  /** The admin key was rotated (the new one) or removed (null). */
  onChanged: (adminKey: string | null) => void;
}

export function AdminKeySettings({ api, onChanged }: AdminKeySettingsProps) {
  const id = useId();
  const status = useApi(() => api.adminKeyStatus(), [api]);
  const [rotated, setRotated] = useState<RequiredAdminKey | null>(null);
  const [message, setMessage] = useState('');
  const [error, setError] = useState<unknown>(null);

  const rotate = async () => {
    setError(null);
    setMessage('');
    try {
      const result = await api.rotateAdminKey();
      setRotated(result);
      onChanged(result.key);
    } catch (e) {
      setError(e);
    }
  };

  const remove = async () => {
    setError(null);
    setRotated(null);
    try {
      await api.removeAdminKey();
      setMessage('The admin key was removed: every program on this computer can use the gateway and this dashboard without a key again.');
      onChanged(null);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section className="card admin-key-settings" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Admin key</h2>
      {rotated ? <RotatedKey created={rotated} onDone={() => setRotated(null)} /> : null}
      <LoadState loadable={status} label="the admin key">
        {(s) => <AdminKeyState status={s} onRotate={rotate} onRemove={remove} />}
      </LoadState>
      {error ? <ErrorNotice error={error} /> : null}
      <p role="status" className="small">
        {message}
      </p>
    </section>
  );
}

function AdminKeyState({ status, onRotate, onRemove }: { status: AdminKeyStatus; onRotate: () => Promise<void>; onRemove: () => Promise<void> }) {
  if (!status.required) {
    return (
      <p className="muted small" data-testid="admin-key-source">
        Not set: any program on this computer can use the gateway and this dashboard. <strong>Require keys</strong> at the top of the page creates one.
      </p>
    );
  }
  if (!status.manageable) {
    return (
      <p className="small" data-testid="admin-key-source">
        Set by {status.location ?? 'whoever started Switchboard'}. Change it there and restart Switchboard; only the key <strong>Require keys</strong> creates can be
        rotated or removed here.
      </p>
    );
  }
  return (
    <>
      <p className="small" data-testid="admin-key-source">
        Created by <strong>Require keys</strong> and kept in <span className="mono admin-key-location">{status.location}</span>.
      </p>
      <div className="file-actions">
        <ConfirmButton
          label="Rotate"
          ariaLabel="Rotate the admin key"
          question="Make a new admin key? The current one stops working at once, for every script and tab that uses it."
          confirmLabel="Rotate the admin key"
          onConfirm={onRotate}
        />
        <ConfirmButton
          label="Remove"
          ariaLabel="Remove the admin key"
          question="Remove the admin key? Every program on this computer can then use the gateway and this dashboard without a key."
          confirmLabel="Remove the admin key"
          onConfirm={onRemove}
        />
      </div>
    </>
  );
}

function RotatedKey({ created, onDone }: { created: RequiredAdminKey; onDone: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div ref={ref} tabIndex={-1} className="admin-key-rotated" role="region" aria-label="The new admin key">
      <p className="strong">This is the new admin key. Copy it now: it will not be shown again.</p>
      <p className="small">The old key no longer works; this tab is signed in with the new one. It is kept in {created.location} and used again when Switchboard restarts.</p>
      <SecretValue value={created.key} copyLabel="Copy the admin key" testId="rotated-admin-key" />
      <div className="actions">
        <button type="button" onClick={onDone}>
          I have copied it
        </button>
      </div>
    </div>
  );
}
