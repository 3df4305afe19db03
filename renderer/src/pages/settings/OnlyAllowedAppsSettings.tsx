// Settings → Apps without a key: whether open mode admits only the apps marked allowed on the Apps
// page (general_settings.only_allowed_apps), with its limits in plain words: an app's name is what
// the program says or how it was started, so a program of the same user can take another's name;
// this is accounting and guard rails, not a security boundary. Saves only its own field; applies to
// the next request.
import { useId, useState, type FormEvent } from 'react';
import type { ApiClient } from '../../api/create-api-client.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import type { SettingsCardFocus } from './settings-card-focus.js';
import { useSettingsSave } from './use-settings-save.js';

export interface OnlyAllowedAppsSettingsProps {
  api: ApiClient;
  /** The setting now in effect. */
  enabled: boolean;
  adminKeySet: boolean;
  onSaved: () => void;
  focus: SettingsCardFocus;
}

export function OnlyAllowedAppsSettings({ api, enabled, adminKeySet, onSaved, focus }: OnlyAllowedAppsSettingsProps) {
  const id = useId();
  const [on, setOn] = useState(enabled);
  const { busy, error, saved, edited, save } = useSettingsSave(focus, onSaved);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save(() => api.updateSettings({ only_allowed_apps: on }));
  };

  return (
    <form className="card form" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Apps without a key</h2>
      <div className="field">
        <label className="check">
          <input
            type="checkbox"
            checked={on}
            onChange={(e) => {
              edited();
              setOn(e.target.checked);
            }}
            aria-describedby={`${id}-hint ${id}-limits`}
          />{' '}
          Only allowed apps may call
        </label>
        <span id={`${id}-hint`} className="hint">
          {adminKeySet
            ? 'An admin key is set, so requests need a key anyway: this applies only while the gateway is open (no admin key).'
            : 'While no admin key is set, a request without a key is refused unless its app is marked allowed on the Apps page, so "every program on this machine" becomes "these programs". Mark the apps you use as allowed before turning this on.'}
        </span>
        <span id={`${id}-limits`} className="hint">
          Its limits: an app is known by its name (the program, or what its User-Agent says), and another program run by the same user can give the same name. This keeps accounting and guard rails honest; it is not a security boundary. To shut out other programs, require keys.
        </span>
      </div>
      {error && focus.current ? <ErrorNotice error={error} /> : null}
      <div className="actions">
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </button>
        <a href="#/apps" className="small">
          Open the Apps page
        </a>
        <span role="status" className="muted">
          {saved && focus.current ? 'Saved.' : ''}
        </span>
      </div>
    </form>
  );
}
