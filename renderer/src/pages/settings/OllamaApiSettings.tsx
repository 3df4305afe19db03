// Settings → Ollama-compatible API: whether apps on this machine may call /api/* without a key
// (Copilot Chat and JetBrains AI cannot send one) and which configured models they may then use,
// with the trade-off in plain words; and the Ollama listener's port, which is set at start.
// Saves only its own fields; applies to the next request.
import { useId, useState, type FormEvent } from 'react';
import type { ApiClient } from '../../api/create-api-client.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import type { GatewaySettingsView } from '../../../../shared/api/settings-schemas.js';
import type { SettingsCardFocus } from './settings-card-focus.js';
import { useSettingsSave } from './use-settings-save.js';

export interface OllamaApiSettingsProps {
  api: ApiClient;
  settings: NonNullable<GatewaySettingsView['ollama_api']>;
  /** The configured model groups and aliases keyless clients could be allowed. */
  models: readonly string[];
  adminKeySet: boolean;
  onSaved: () => void;
  focus: SettingsCardFocus;
}

export function OllamaApiSettings({ api, settings, models, adminKeySet, onSaved, focus }: OllamaApiSettingsProps) {
  const id = useId();
  const [allow, setAllow] = useState(settings.allow_without_key);
  const [allowed, setAllowed] = useState<string[]>(settings.models);
  const { busy, error, saved, edited, save } = useSettingsSave(focus, onSaved);
  // Allowed names no longer configured (or patterns) stay listed so saving never drops them silently.
  const choices = [...new Set([...models, ...settings.models])];

  const toggle = (model: string, on: boolean) => {
    edited();
    setAllowed((current) => (on ? [...current, model] : current.filter((m) => m !== model)));
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save(() => api.updateSettings({ ollama_api: { allow_without_key: allow, models: allowed } }));
  };

  return (
    <form className="card form" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Ollama-compatible API</h2>
      <p className="muted small">
        GitHub Copilot Chat, JetBrains AI Assistant, Zed and Open WebUI can use Switchboard's models as if it were Ollama, at this address's /api.
      </p>
      <div className="field">
        <label className="check">
          <input type="checkbox" checked={allow} onChange={(e) => {
              edited();
              setAllow(e.target.checked);
            }} aria-describedby={`${id}-allow-hint`} /> Let apps on this machine use it without a key
        </label>
        <span id={`${id}-allow-hint`} className="hint">
          {adminKeySet
            ? 'Copilot Chat and JetBrains AI cannot send a key. When this is on, any program on this machine can use the models ticked below without a key, and spend on them; its usage is named after the app it says it is. Web pages and other machines still cannot. Apps that can send a key should get their own key instead.'
            : 'No admin key is set, so every app on this machine can already use every model without a key; this matters once you set one.'}
        </span>
      </div>
      <fieldset className="field" aria-describedby={`${id}-models-hint`}>
        <legend>Models apps without a key may use</legend>
        {choices.length === 0 ? <p className="muted small">No models are configured yet.</p> : null}
        {choices.map((model) => (
          <label key={model} className="check">
            <input type="checkbox" checked={allowed.includes(model)} onChange={(e) => toggle(model, e.target.checked)} disabled={!allow} /> {model}
          </label>
        ))}
        <span id={`${id}-models-hint`} className="hint">
          None ticked means none: those apps then see an empty model list.
        </span>
      </fieldset>
      <dl className="facts">
        <dt>Ollama listener</dt>
        <dd>
          {settings.listener_port === null ? 'Off' : `On, http://127.0.0.1:${settings.listener_port}`} <span className="badge">Changing this needs a restart</span>
          <div className="hint">
            For apps that only know Ollama's address: set general_settings.ollama_api.port (e.g. 11434) or start with{' '}
            <code className="inline-code">switchboard serve --ollama-port 11434</code>. If a real Ollama already uses that port, Switchboard leaves it alone and says so.
          </div>
        </dd>
      </dl>
      {error && focus.current ? <ErrorNotice error={error} /> : null}
      <div className="actions">
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save Ollama settings'}
        </button>
        <span role="status" className="muted">
          {saved && focus.current ? 'Saved.' : ''}
        </span>
      </div>
    </form>
  );
}
