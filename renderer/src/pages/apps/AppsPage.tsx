// Apps (admin): every program that has called without a key, named as Usage names it, with its
// usage today and the rule it may be given without a key (budget, rate limits, models, default
// model, allowed); a rule can also be set up for an app before it first calls, by name. When only
// allowed apps may call (Settings), that is said at the top and the apps it refuses are marked.
// Everything goes through the /app/* routes, and their errors are shown as the gateway words them.
import { useState } from 'react';
import type { ApiClient } from '../../api/create-api-client.js';
import { useApi } from '../../api/use-api.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { LoadState } from '../../components/LoadState.js';
import type { AppDescription } from '../../../../shared/api/app-schemas.js';
import { AppForm } from './AppForm.js';
import { AppTable } from './AppTable.js';
import { EMPTY_APP_FORM, appFormFromDescription, toAppRuleUpdate, toNewAppRule } from './app-form-values.js';

export interface AppsPageProps {
  api: ApiClient;
  now?: () => number;
}

type Editing = { mode: 'create' } | { mode: 'edit'; app: AppDescription } | null;

// Requests and spend move as apps call: the list follows them while the page is visible.
const REFRESH_MS = 5_000;

export function AppsPage({ api, now = Date.now }: AppsPageProps) {
  const apps = useApi(() => api.listApps(), [api], { refreshMs: REFRESH_MS });
  const models = useApi(() => api.listModels(), [api]);
  const settings = useApi(() => api.settings(), [api]);
  const [editing, setEditing] = useState<Editing>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const groups = [...new Set(models.data?.data.map((m) => m.model_name) ?? [])];
  const onlyAllowed = settings.data?.only_allowed_apps === true;
  const refused = (apps.data ?? []).filter((a) => !a.allowed).length;
  const startEditing = (next: Editing) => {
    setMessage(null);
    setActionError(null);
    setEditing(next);
  };

  return (
    <div className="stack">
      {onlyAllowed ? (
        <section className="card card-warning" aria-labelledby="only-allowed-title">
          <h2 id="only-allowed-title">Only allowed apps may call</h2>
          <p>
            Requests without a key are refused unless their app is marked allowed here{refused > 0 ? ` (${refused === 1 ? '1 app below is' : `${refused} apps below are`} not)` : ''}. Switch this in{' '}
            <a href="#/settings">Settings</a>.
          </p>
        </section>
      ) : null}

      {editing ? (
        <AppForm
          key={editing.mode === 'edit' ? editing.app.app : 'create'}
          mode={editing.mode}
          initial={editing.mode === 'edit' ? appFormFromDescription(editing.app) : EMPTY_APP_FORM}
          models={groups}
          onCancel={() => setEditing(null)}
          onSubmit={async (values) => {
            const saved = await api.updateApp(editing.mode === 'create' ? toNewAppRule(values) : toAppRuleUpdate(values, appFormFromDescription(editing.app)));
            setMessage(`Saved the rule for ${saved.app}.`);
            setActionError(null);
            setEditing(null);
            apps.reload();
          }}
        />
      ) : null}

      <section className="card" aria-labelledby="apps-title">
        <div className="card-head">
          <h2 id="apps-title">Apps</h2>
          {editing === null ? (
            <button type="button" className="button-primary" onClick={() => startEditing({ mode: 'create' })}>
              Add a rule for an app
            </button>
          ) : null}
        </div>
        <p className="muted small">Programs that call Switchboard without a key, named as Usage and Logs name them. A rule here limits such an app without giving it a key; a key, when one is sent, still decides.</p>
        <p role="status" className="muted small">
          {message ?? ''}
        </p>
        {actionError ? <ErrorNotice error={actionError} /> : null}
        <LoadState
          loadable={apps}
          label="apps"
          isEmpty={(list) => list.length === 0}
          empty={
            <div>
              <p className="strong">No app has called yet.</p>
              <p>Each program that calls without a key shows up here under its name (a script's file name, or the product in its User-Agent) after its first request. You can also add a rule for one before it calls.</p>
            </div>
          }
        >
          {(list) => (
            <AppTable
              apps={[...list].sort((a, b) => b.spend_today - a.spend_today || b.requests_today - a.requests_today || a.app.localeCompare(b.app))}
              now={now()}
              onlyAllowed={onlyAllowed}
              onEdit={(app) => startEditing({ mode: 'edit', app })}
              onClearRule={async (app) => {
                setMessage(null);
                setActionError(null);
                try {
                  await api.deleteAppRule(app.app);
                  if (editing?.mode === 'edit' && editing.app.app === app.app) setEditing(null);
                  setMessage(`Cleared the rule for ${app.app}.`);
                  apps.reload();
                } catch (e) {
                  setActionError(e);
                }
              }}
            />
          )}
        </LoadState>
      </section>
    </div>
  );
}
