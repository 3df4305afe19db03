// Settings' "Backup": downloads one JSON document with the virtual keys (hashes only: restored keys
// keep working, and no raw key exists to leak) and their owners, the teams and users, the apps' rules, the models
// added in the dashboard, these settings and the active model; restores one, asking first when it would replace keys or models already here. The
// gateway validates the whole document and changes nothing when it refuses; its sentence is shown.
import { useId, useState, type ChangeEvent } from 'react';
import type { ApiClient } from '../../api/create-api-client.js';
import { isApiError } from '../../api/api-error.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { saveTextFile } from '../../components/save-text-file.js';
import type { SettingsCardFocus } from './settings-card-focus.js';

type Pending = { document: unknown; question: string } | null;

export function BackupRestore({ api, onRestored, focus }: { api: ApiClient; onRestored: () => void; focus: SettingsCardFocus }) {
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState('');
  const [pending, setPending] = useState<Pending>(null);

  const download = async () => {
    focus.onAction();
    setBusy(true);
    setError(null);
    setMessage('');
    // A download is a new action: a restore still waiting for "Replace" was about another file.
    setPending(null);
    try {
      const backup = await api.backup();
      saveTextFile(`switchboard-backup-${backup.created_at.slice(0, 10)}.json`, `${JSON.stringify(backup, null, 2)}\n`, 'application/json');
      setMessage(`Backup downloaded: ${counted(backup.keys.length, 'key')}${ownerCounts(backup.teams?.length ?? 0, backup.users?.length ?? 0)}${appRuleCount(backup.apps?.length ?? 0)}, ${counted(backup.models.length, 'model')} and the settings.`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const restore = async (document: unknown, confirm: boolean) => {
    focus.onAction();
    setBusy(true);
    setError(null);
    setMessage('');
    try {
      const result = await api.restoreBackup(document, confirm);
      setPending(null);
      // A warning (an active model not served here) follows the count: the rest was restored.
      const warnings = result.warnings?.length ? ` ${result.warnings.join(' ')}` : '';
      setMessage(`Restored ${counted(result.keys, 'key')}${ownerCounts(result.teams ?? 0, result.users ?? 0)}${appRuleCount(result.apps ?? 0)} and ${counted(result.models, 'model')}; the keys work as before.${warnings}`);
      onRestored();
    } catch (e) {
      // The gateway asks for confirmation when the restore would replace what is here.
      if (!confirm && isApiError(e) && e.param === 'confirm') setPending({ document, question: e.message });
      else setError(e);
    } finally {
      setBusy(false);
    }
  };

  const chosen = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    focus.onAction();
    setPending(null);
    let document: unknown;
    try {
      document = JSON.parse(await file.text());
    } catch {
      setMessage('');
      setError(new Error(`${file.name} is not a Switchboard backup: it is not JSON.`));
      return;
    }
    await restore(document, false);
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Backup</h2>
      <p className="muted small">
        One JSON file with the virtual keys (their hashes: the keys themselves are never stored) and their owners, the teams, users and
        memberships with their budgets and spend, the apps' rules, the models added in the dashboard, these settings and the active model. Provider keys stay in the keychain; models name them by reference. Keep the file private: anyone holding it can restore your keys
        on another gateway.
      </p>
      <div className="file-actions">
        <button type="button" onClick={() => void download()} disabled={busy}>
          Download backup
        </button>
        <label className="button file-button">
          Restore from backup
          <input type="file" accept=".json,application/json" onChange={(event) => void chosen(event)} disabled={busy} className="visually-hidden" />
        </label>
      </div>
      {pending && focus.current ? (
        <div className="notice" role="alert">
          <span>{pending.question.replace(/ Send "confirm": true to go ahead\.$/, '')}</span>
          <div className="file-actions">
            <button type="button" className="button-danger" onClick={() => void restore(pending.document, true)} disabled={busy}>
              Replace with the backup
            </button>
            <button type="button" onClick={() => setPending(null)} disabled={busy}>
              Cancel
            </button>
          </div>
        </div>
      ) : null}
      {error && focus.current ? <ErrorNotice error={error} /> : null}
      <p role="status" className="small">
        {focus.current ? message : ''}
      </p>
    </section>
  );
}

function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** App rules are named only when there are some, like teams and users. */
function appRuleCount(apps: number): string {
  return apps === 0 ? '' : `, ${counted(apps, 'app rule')}`;
}

/** Teams and users are named only when the backup has some: a desktop without them reads as before. */
function ownerCounts(teams: number, users: number): string {
  return teams === 0 && users === 0 ? '' : `, ${counted(teams, 'team')}, ${counted(users, 'user')}`;
}
