// Settings: what applies at once (usage retention, body logging, allowed browser origins, keyless
// Ollama clients, whether open mode admits only allowed apps) and
// what Switchboard was started with (address, port, LAN access: changed with flags and a
// restart). Start at login belongs to the desktop app (its tray menu).
import { useId, useState, type FormEvent } from 'react';
import type { ApiClient } from '../../api/create-api-client.js';
import { useApi } from '../../api/use-api.js';
import { LoadState } from '../../components/LoadState.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import type { GatewaySettingsView } from '../../../../shared/api/settings-schemas.js';
import { MAX_RETENTION_DAYS } from '../../../../shared/api/settings-schemas.js';
import { OriginsEditor } from './OriginsEditor.js';
import { OllamaApiSettings } from './OllamaApiSettings.js';
import { BackupRestore } from './BackupRestore.js';
import { BudgetAlertSettings } from './BudgetAlertSettings.js';
import { AdminKeySettings } from './AdminKeySettings.js';
import { OnlyAllowedAppsSettings } from './OnlyAllowedAppsSettings.js';
import type { SettingsCardFocus } from './settings-card-focus.js';
import { useSettingsSave } from './use-settings-save.js';

type SettingsCard = 'live' | 'ollama' | 'apps' | 'alerts' | 'backup';

export interface SettingsPageProps {
  api: ApiClient;
  desktop: boolean;
  /** The admin key was rotated (the new one) or removed (null): the session carries on with it. */
  onAdminKeyChanged?: ((adminKey: string | null) => void) | undefined;
}

export function SettingsPage({ api, desktop, onAdminKeyChanged }: SettingsPageProps) {
  const settings = useApi(() => api.settings(), [api]);
  const active = useApi(() => api.activeModel(), [api]);
  const [restores, setRestores] = useState(0);
  // The card the user last acted in: only its "Saved."/error notices show, so a note about one
  // setting never sits beside a change being made to another.
  const [acting, setActing] = useState<SettingsCard | null>(null);
  const focus = (card: SettingsCard): SettingsCardFocus => ({ current: acting === card, onAction: () => setActing(card) });
  // Groups first, then user aliases; the active-model alias follows whatever is active, so it is offered too.
  const models = active.data ? [...new Set([...active.data.models, ...Object.keys(active.data.aliases), active.data.alias])] : [];
  return (
    <LoadState loadable={settings} label="settings">
      {(s) => (
        <div className="stack">
          <LiveSettings
            // After a restore the form starts again from the restored values (they arrive after the reload).
            key={restores === 0 ? 'opened' : `${restores}|${s.retention_days}|${s.body_logging}|${s.allowed_origins.join(' ')}`}
            api={api}
            settings={s}
            onSaved={settings.reload}
            focus={focus('live')}
          />
          {s.ollama_api ? (
            <OllamaApiSettings key={JSON.stringify(s.ollama_api)} api={api} settings={s.ollama_api} models={models} adminKeySet={s.server.admin_key_set} onSaved={settings.reload} focus={focus('ollama')} />
          ) : null}
          {s.only_allowed_apps !== undefined ? (
            // Remounted only by a restore: keyed on the value, its own save would remount it and lose "Saved.".
            <OnlyAllowedAppsSettings key={`apps-${restores}`} api={api} enabled={s.only_allowed_apps} adminKeySet={s.server.admin_key_set} onSaved={settings.reload} focus={focus('apps')} />
          ) : null}
          {s.budget_alerts ? <BudgetAlertSettings api={api} settings={s.budget_alerts} onSaved={settings.reload} focus={focus('alerts')} /> : null}
          <ServerSettings settings={s} desktop={desktop} />
          <AdminKeySettings
            api={api}
            // A new session client reloads every view; without one, the settings are read again here.
            onChanged={(adminKey) => (onAdminKeyChanged ? onAdminKeyChanged(adminKey) : settings.reload())}
          />
          <BackupRestore
            api={api}
            focus={focus('backup')}
            onRestored={() => {
              setRestores((n) => n + 1);
              settings.reload();
            }}
          />
        </div>
      )}
    </LoadState>
  );
}

function LiveSettings({ api, settings, onSaved, focus }: { api: ApiClient; settings: GatewaySettingsView; onSaved: () => void; focus: SettingsCardFocus }) {
  const id = useId();
  const [retention, setRetention] = useState(String(settings.retention_days));
  const [bodyLogging, setBodyLogging] = useState(settings.body_logging);
  const [origins, setOrigins] = useState<string[]>(settings.allowed_origins);
  const card = useSettingsSave(focus, onSaved);
  const { busy, error, saved } = card;
  // "Saved." and an error are about the values submitted: editing any of them makes them stale.
  const edited = <T,>(set: (value: T) => void) => (value: T) => {
    card.edited();
    set(value);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const days = Number(retention);
    if (!Number.isSafeInteger(days) || days < 1 || days > MAX_RETENTION_DAYS) {
      card.refuse(new Error(`Keep requests for 1 to ${MAX_RETENTION_DAYS} days.`));
      return;
    }
    void card.save(() => api.updateSettings({ retention_days: days, body_logging: bodyLogging, allowed_origins: origins }));
  };

  return (
    <form className="card form" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Data and access</h2>
      <p className="muted small">These apply immediately, without a restart.</p>
      <div className="field field-narrow">
        <label htmlFor={`${id}-retention`}>Keep request logs for (days)</label>
        <input id={`${id}-retention`} value={retention} onChange={(e) => edited(setRetention)(e.target.value)} inputMode="numeric" aria-describedby={`${id}-retention-hint`} />
        <span id={`${id}-retention-hint`} className="hint">
          Older requests are removed from Logs; daily totals stay in Usage.
        </span>
      </div>
      <div className="field">
        <label className="check">
          <input type="checkbox" checked={bodyLogging} onChange={(e) => edited(setBodyLogging)(e.target.checked)} aria-describedby={`${id}-body-hint`} /> Log request and response bodies
        </label>
        <span id={`${id}-body-hint`} className="hint">
          Off by default. When on, each new request's prompt and answer are stored with its log entry (up to 64 KiB each, keys masked) and shown in Logs; turning it off stops storing them from the next request.
        </span>
      </div>
      <OriginsEditor origins={origins} onChange={edited(setOrigins)} />
      {error && focus.current ? <ErrorNotice error={error} /> : null}
      <div className="actions">
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save settings'}
        </button>
        <span role="status" className="muted">
          {saved && focus.current ? 'Saved.' : ''}
        </span>
      </div>
    </form>
  );
}

function ServerSettings({ settings, desktop }: { settings: GatewaySettingsView; desktop: boolean }) {
  const { server } = settings;
  return (
    <section className="card" aria-labelledby="server-title">
      <h2 id="server-title">Server</h2>
      <p className="muted small">Set when Switchboard starts; changing them needs a restart.</p>
      <dl className="facts facts-wide">
        <dt>Address</dt>
        <dd className="mono">
          {server.host}:{server.port}
        </dd>
        <dt>Port</dt>
        <dd>
          {server.port} <span className="badge">Changing this needs a restart</span>
          <div className="hint">
            Start with <code className="inline-code">switchboard serve --port N</code> (or SWITCHBOARD_PORT).
          </div>
        </dd>
        <dt>LAN access</dt>
        <dd>
          {server.lan_access ? 'On' : 'Off'} <span className="badge">Changing this needs a restart</span>
          <div className="hint">
            {server.lan_access
              ? 'Other machines can reach the gateway; keys are required and the Host/Origin checks stay on.'
              : 'Only this machine can reach the gateway. To allow your network, start with --host 0.0.0.0: this needs an admin key, and the Host/Origin checks stay on.'}
          </div>
        </dd>
        <dt>Admin key</dt>
        <dd>{server.admin_key_set ? 'Set' : 'Not set: anyone on this machine can use the gateway and this dashboard'}</dd>
        <dt>Start at login</dt>
        <dd>{desktop ? 'Switched in the tray menu (Start at login)' : 'Desktop app only'}</dd>
      </dl>
    </section>
  );
}
