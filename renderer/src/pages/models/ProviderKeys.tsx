// Provider keys (write-only): where each key a model uses lives, shown as a mask, a form to put
// a key in the OS keychain, and Replace / Delete for the keychain's own. The typed key is sent
// once and cleared from the form; the gateway never sends a key back, only `sk-...abcd`. A
// keychain that cannot be read is an error only when some model needs a key from it.
import { useId, useRef, useState, type FormEvent } from 'react';
import type { CredentialList } from '../../../../shared/api/credential-schemas.js';
import { CREDENTIAL_NAME } from '../../../../shared/api/credential-schemas.js';
import type { ApiClient } from '../../api/create-api-client.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { ConfirmButton } from '../../components/ConfirmButton.js';

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
  const valueInput = useRef<HTMLInputElement>(null);
  const available = credentials.store.available !== false;
  const neededFromKeychain = credentials.data.filter((c) => c.stored_in === 'keychain' && c.used_by.length > 0);
  const keychainNamed = name.trim() !== '' && credentials.data.some((c) => c.stored_in === 'keychain' && c.name === name.trim() && !c.missing);

  // Typing in the form starts a new save: the last "Saved/Deleted" note and error were about
  // another key or another attempt.
  const typed = (set: (text: string) => void, text: string) => {
    setError(null);
    setSaved(null);
    set(text);
  };

  const startReplacing = (credentialName: string) => {
    setError(null);
    setSaved(null);
    setName(credentialName);
    setValue('');
    valueInput.current?.focus();
  };

  const remove = async (credentialName: string) => {
    setError(null);
    setSaved(null);
    try {
      const result = await api.deleteCredential(credentialName);
      const still = result.still_referenced_by;
      setSaved(`Deleted ${result.name}.${still.length > 0 ? ` Still used by ${still.join(', ')}: requests to ${still.length === 1 ? 'it' : 'them'} fail until you save a key named ${result.name} again.` : ''}`);
      if (name.trim() === credentialName) setName('');
      onSaved();
    } catch (e) {
      setError(e);
    }
  };

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
      {available ? (
        <p className="muted small">Kept in {credentials.store.location}. Switchboard never shows a key again after it is saved.</p>
      ) : neededFromKeychain.length > 0 ? (
        <ErrorNotice
          error={new Error(
            `${neededFromKeychain.map((c) => c.used_by.join(', ')).join(', ')} ${neededFromKeychain.flatMap((c) => c.used_by).length === 1 ? 'needs' : 'need'} a key from the OS keychain, which cannot be read here: ${credentials.store.problem ?? 'unavailable'}`,
          )}
        />
      ) : (
        <p className="muted small" data-testid="keychain-not-needed">
          No model here needs a provider key from the OS keychain, which is not available on this machine. For a hosted provider, give its model{' '}
          <code>api_key: os.environ/NAME</code>, or run Switchboard where a keychain is available.
          {credentials.store.problem ? <span className="provider-keys-problem">Keychain: {credentials.store.problem}</span> : null}
        </p>
      )}
      {credentials.data.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Stored in</th>
                <th scope="col">Key</th>
                <th scope="col">Used by</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {credentials.data.map((c) => (
                <tr key={`${c.stored_in} ${c.name}`}>
                  <td className="mono">{c.name}</td>
                  <td>{STORED_IN[c.stored_in] ?? c.stored_in}</td>
                  <td className="mono">{c.missing ? <span className="badge badge-bad">Missing</span> : c.mask}</td>
                  <td>{c.used_by.length > 0 ? c.used_by.join(', ') : <span className="muted">no model</span>}</td>
                  <td>
                    {c.stored_in === 'keychain' && available ? (
                      <span className="row-actions">
                        <button type="button" className="button-small" aria-label={`${c.missing ? 'Set' : 'Replace'} the key ${c.name}`} onClick={() => startReplacing(c.name)}>
                          {c.missing ? 'Set' : 'Replace'}
                        </button>
                        {c.missing ? null : (
                          <ConfirmButton
                            label="Delete"
                            ariaLabel={`Delete the key ${c.name}`}
                            question={`Delete ${c.name} from the keychain?${c.used_by.length > 0 ? ` ${c.used_by.join(', ')} will fail until a key is set again.` : ''}`}
                            onConfirm={() => remove(c.name)}
                          />
                        )}
                      </span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">No provider keys yet. Local servers need none.</p>
      )}
      {available ? (
        <form className="form-row" onSubmit={(e) => void submit(e)} aria-label="Set a provider key">
          <div className="field">
            <label htmlFor={`${id}-name`}>Key name</label>
            <input id={`${id}-name`} value={name} onChange={(e) => typed(setName, e.target.value)} placeholder="openai" spellCheck={false} autoComplete="off" />
          </div>
          <div className="field field-grow">
            <label htmlFor={`${id}-value`}>Key</label>
            <input ref={valueInput} id={`${id}-value`} type="password" value={value} onChange={(e) => typed(setValue, e.target.value)} autoComplete="new-password" spellCheck={false} />
          </div>
          <button type="submit" disabled={busy || name.trim() === '' || value.trim() === ''}>
            {busy ? 'Saving…' : keychainNamed ? 'Replace key' : 'Save to keychain'}
          </button>
        </form>
      ) : null}
      <p role="status" className="muted small">
        {saved ?? ''}
      </p>
      {error ? <ErrorNotice error={error} /> : null}
    </section>
  );
}
