// Provider keys (write-only): where each key a model uses lives, shown as a mask, and a form
// to put a key in the OS keychain. The typed key is sent once and cleared from the form; the
// gateway never sends a key back, only `sk-...abcd`.
import { useId, useState, type FormEvent } from 'react';
import type { CredentialList } from '../../../../shared/api/credential-schemas.js';
import { CREDENTIAL_NAME } from '../../../../shared/api/credential-schemas.js';
import type { ApiClient } from '../../api/create-api-client.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';

export interface ProviderKeysProps {
  api: ApiClient;
  credentials: CredentialList;
  onSaved: () => void;
}

const STORED_IN: Record<string, string> = { keychain: 'OS keychain', environment: 'Environment', config_file: 'Config file (plaintext)' };

export function ProviderKeys({ api, credentials, onSaved }: ProviderKeysProps) {
  const id = useId();
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setSaved(null);
    if (!CREDENTIAL_NAME.test(name.trim())) {
      setError(new Error('A key name is 1-128 letters, digits, "_", "." or "-", e.g. openai.'));
      return;
    }
    setBusy(true);
    try {
      const result = await api.saveCredential(name.trim(), value);
      setValue('');
      setSaved(`${result.replaced ? 'Replaced' : 'Saved'} ${result.name} (${result.mask ?? 'stored'}). Use it in a model as keychain/${result.name}.`);
      onSaved();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Provider keys</h2>
      <p className="muted small">Kept in {credentials.store.location}. Switchboard never shows a key again after it is saved.</p>
      {credentials.data.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Stored in</th>
                <th scope="col">Key</th>
                <th scope="col">Used by</th>
              </tr>
            </thead>
            <tbody>
              {credentials.data.map((c) => (
                <tr key={`${c.stored_in} ${c.name}`}>
                  <td className="mono">{c.name}</td>
                  <td>{STORED_IN[c.stored_in] ?? c.stored_in}</td>
                  <td className="mono">{c.missing ? <span className="badge badge-bad">Missing</span> : c.mask}</td>
                  <td>{c.used_by.length > 0 ? c.used_by.join(', ') : <span className="muted">no model</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">No provider keys yet. Local servers need none.</p>
      )}
      <form className="form-row" onSubmit={(e) => void submit(e)} aria-label="Set a provider key">
        <div className="field">
          <label htmlFor={`${id}-name`}>Key name</label>
          <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} placeholder="openai" spellCheck={false} autoComplete="off" />
        </div>
        <div className="field field-grow">
          <label htmlFor={`${id}-value`}>Key</label>
          <input id={`${id}-value`} type="password" value={value} onChange={(e) => setValue(e.target.value)} autoComplete="new-password" spellCheck={false} />
        </div>
        <button type="submit" disabled={busy || name.trim() === '' || value.trim() === ''}>
          {busy ? 'Saving…' : 'Save to keychain'}
        </button>
      </form>
      <p role="status" className="muted small">
        {saved ?? ''}
      </p>
      {error ? <ErrorNotice error={error} /> : null}
    </section>
  );
}
