// Keys: one key per app. Create (the key is shown once, with a copy button and a warning),
// edit limits, block, regenerate and delete. Usage per app is attributed by the key's name.
import { useState } from 'react';
import type { ViewerTeam } from '../../session/viewer.js';
import type { ApiClient } from '../../api/create-api-client.js';
import { useApi } from '../../api/use-api.js';
import type { PageId } from '../../app/use-hash-route.js';
import { LoadState } from '../../components/LoadState.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import type { KeyDescription } from '../../../../shared/api/key-schemas.js';
import { KeyForm } from './KeyForm.js';
import { KeyTable } from './KeyTable.js';
import { NewKeyNotice } from './NewKeyNotice.js';
import { EMPTY_KEY_FORM, keyFormFromDescription, toKeyFields } from './key-form-values.js';

export interface KeysPageProps {
  api: ApiClient;
  /** The user asked to see setup for a key just created (memory only, never stored). */
  onKeyCreated: (key: string) => void;
  go: (page: PageId) => void;
  now?: () => number;
  /**
   * A member's session: the teams it admins (undefined for the admin). Its new keys are its own,
   * or a service key of one of those teams; it reads no user list (the admin's).
   */
  memberTeams?: readonly ViewerTeam[];
}

type Editing = { mode: 'create' } | { mode: 'edit'; key: KeyDescription } | null;

export function KeysPage({ api, onKeyCreated, go, now = Date.now, memberTeams }: KeysPageProps) {
  const keys = useApi(() => api.listKeys(1, 100), [api]);
  const models = useApi(() => api.listModels(), [api]);
  const [editing, setEditing] = useState<Editing>(null);
  const [shown, setShown] = useState<{ keyId: string; appName: string; secret: string; regenerated: boolean } | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const groups = [...new Set(models.data?.data.map((m) => m.model_name) ?? [])];
  // A key's team is shown by name; with no team defined the page looks as it always did.
  const teams = useApi(() => api.listTeams(), [api]);
  const teamNames = new Map((teams.data ?? []).map((t) => [t.team_id, t.team_alias ?? t.team_id]));
  // Users are read only when a key is being created (the form offers them as owners).
  const creating = editing?.mode === 'create';
  const member = memberTeams !== undefined;
  const users = useApi(() => (creating && !member ? api.listUsers(1, 100) : Promise.resolve(null)), [api, creating, member]);
  const owners = {
    teams: memberTeams ? memberTeams.map((t) => ({ id: t.teamId, name: t.name })) : [...teamNames].map(([id, name]) => ({ id, name })),
    users: (users.data?.users ?? []).map((u) => ({ id: u.user_id, name: u.user_email === null ? u.user_id : `${u.user_email} (${u.user_id})` })),
  };

  // A notice reports on one key: starting anything on another key (or a new one) clears the
  // notes and errors about the last, and the one-time secret of a key no longer in view. The
  // secret stays while the user acts on that same key (e.g. edits the limits of the key just made).
  const startOn = (keyId: string | null) => {
    setMessage(null);
    setActionError(null);
    setShown((s) => (s !== null && s.keyId === keyId ? s : null));
  };
  const act = async (key: KeyDescription, run: () => Promise<string>) => {
    startOn(key.key_id);
    try {
      setMessage(await run());
      keys.reload();
    } catch (e) {
      setActionError(e);
    }
  };

  const createButton =
    editing === null ? (
      <button type="button" className="button-primary" onClick={() => { startOn(null); setEditing({ mode: 'create' }); }}>
        Create a key
      </button>
    ) : null;

  return (
    <div className="stack">
      {shown ? (
        <NewKeyNotice
          appName={shown.appName}
          secret={shown.secret}
          regenerated={shown.regenerated}
          onUseInSetup={() => {
            onKeyCreated(shown.secret);
            go('overview');
          }}
          onDone={() => setShown(null)}
        />
      ) : null}

      {editing ? (
        <KeyForm
          key={editing.mode === 'edit' ? editing.key.token : 'create'}
          mode={editing.mode}
          initial={editing.mode === 'edit' ? keyFormFromDescription(editing.key) : EMPTY_KEY_FORM}
          models={groups}
          owners={owners}
          onCancel={() => setEditing(null)}
          onSubmit={async (values) => {
            if (editing.mode === 'create') {
              const created = await api.generateKey(toKeyFields(values, 'create'));
              setShown({ keyId: created.key_id, appName: created.key_alias ?? created.key_id, secret: created.key, regenerated: false });
              setMessage(null);
            } else {
              const updated = await api.updateKey(editing.key.token, toKeyFields(values, 'edit', keyFormFromDescription(editing.key)));
              setMessage(`Saved ${updated.key_alias ?? updated.key_id}.`);
            }
            setEditing(null);
            keys.reload();
          }}
        />
      ) : null}

      <section className="card" aria-labelledby="keys-title">
        <div className="card-head">
          <h2 id="keys-title">App keys</h2>
          {createButton}
        </div>
        <p role="status" className="muted small">
          {message ?? ''}
        </p>
        {actionError ? <ErrorNotice error={actionError} /> : null}
        <LoadState
          loadable={keys}
          label="keys"
          isEmpty={(k) => k.keys.length === 0}
          empty={
            <div>
              <p className="strong">No app keys yet.</p>
              <p>Give each app its own key: its requests, spend and limits are then tracked under the app's name.</p>
            </div>
          }
        >
          {(k) => (
            <>
              <KeyTable
                keys={k.keys}
                now={now()}
                teamNames={teamNames}
                onEdit={(key) => {
                  startOn(key.key_id);
                  setEditing({ mode: 'edit', key });
                }}
                onToggleBlock={(key) =>
                  act(key, async () => {
                    const name = key.key_alias ?? key.key_id;
                    if (key.blocked) {
                      await api.unblockKey(key.token);
                      return `Unblocked ${name}.`;
                    }
                    await api.blockKey(key.token);
                    return `Blocked ${name}: its requests are refused until you unblock it.`;
                  })
                }
                onRegenerate={(key) =>
                  act(key, async () => {
                    const next = await api.regenerateKey(key.token);
                    setShown({ keyId: next.key_id, appName: next.key_alias ?? next.key_id, secret: next.key, regenerated: true });
                    return `Regenerated the key for ${next.key_alias ?? next.key_id}.`;
                  })
                }
                onDelete={(key) =>
                  act(key, async () => {
                    await api.deleteKey(key.token);
                    // A deleted key's secret is of no use to anyone: it goes with the key.
                    setShown((s) => (s?.keyId === key.key_id ? null : s));
                    return `Deleted the key for ${key.key_alias ?? key.key_id}.`;
                  })
                }
              />
              {k.total_count > k.keys.length ? <p className="muted small">Showing {k.keys.length} of {k.total_count} keys.</p> : null}
            </>
          )}
        </LoadState>
      </section>
    </div>
  );
}
