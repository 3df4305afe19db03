// Budget alerts: where the gateway posts (Slack-compatible `{"text"}`) when an app reaches 80% and
// 100% of its budget; a log line is written either way. The URL embeds a token: it is sent once
// to the gateway (which keeps it in the OS keychain) and only ever shown back masked.
import { useId, useState, type FormEvent } from 'react';
import type { ApiClient } from '../../api/create-api-client.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import type { GatewaySettingsView } from '../../../../shared/api/settings-schemas.js';
import type { SettingsCardFocus } from './settings-card-focus.js';

type BudgetAlertsView = NonNullable<GatewaySettingsView['budget_alerts']>;

export function BudgetAlertSettings({ api, settings, onSaved, focus }: { api: ApiClient; settings: BudgetAlertsView; onSaved: () => void; focus: SettingsCardFocus }) {
  const id = useId();
  const [url, setUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState('');

  const save = async (value: string | null) => {
    focus.onAction();
    setError(null);
    setSaved('');
    setBusy(true);
    try {
      await api.updateSettings({ budget_alerts: { webhook_url: value } });
      setUrl('');
      setSaved(value === null ? 'Removed; alerts are only logged.' : 'Saved.');
      onSaved();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (url.trim() !== '') void save(url.trim());
  };

  return (
    <form className="card form" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Budget alerts</h2>
      <p className="muted small">
        When an app reaches 80% and 100% of its budget, Switchboard writes a log line and, with a webhook set, posts a Slack-compatible message (once per threshold and budget period).
      </p>
      <p>
        Webhook: <span className="mono">{settings.webhook ?? 'none (alerts are only logged)'}</span>
        {settings.source === 'config' ? <span className="muted small"> (from the config file)</span> : null}
      </p>
      {!settings.budget_alerts ? <p className="small">Budget alerts are off: general_settings.alert_types does not include budget_alerts.</p> : null}
      <div className="field">
        <label htmlFor={`${id}-url`}>Webhook URL</label>
        <input id={`${id}-url`} type="password" autoComplete="off" value={url} onChange={(e) => {
            // Typing a new URL: "Saved."/"Removed" and the last error were about another one.
            focus.onAction();
            setSaved('');
            setError(null);
            setUrl(e.target.value);
          }} placeholder="https://hooks.slack.com/services/…" aria-describedby={`${id}-hint`} />
        <span id={`${id}-hint`} className="hint">
          Kept in the OS keychain and shown masked, or give os.environ/NAME to read it from an environment variable.
        </span>
      </div>
      {error && focus.current ? <ErrorNotice error={error} /> : null}
      <div className="actions">
        <button type="submit" className="button-primary" disabled={busy || url.trim() === ''}>
          {busy ? 'Saving…' : 'Save webhook'}
        </button>
        {settings.source === 'dashboard' ? (
          <button type="button" disabled={busy} onClick={() => void save(null)}>
            Remove webhook
          </button>
        ) : null}
        <span role="status" className="muted">
          {focus.current ? saved : ''}
        </span>
      </div>
    </form>
  );
}
