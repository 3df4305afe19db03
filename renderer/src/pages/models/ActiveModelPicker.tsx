// Chooses the active model: the group the alias (switchboard/active) points at, which apps can
// send as their model to follow whatever is chosen here or in the tray.
import { useId, useState } from 'react';
import type { ApiClient } from '../../api/create-api-client.js';
import { useApi } from '../../api/use-api.js';
import { LoadState } from '../../components/LoadState.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';

export function ActiveModelPicker({ api, version }: { api: ApiClient; version: number }) {
  const id = useId();
  const state = useApi(() => api.activeModel(), [api, version]);
  const [choice, setChoice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);

  const switchTo = async (model: string) => {
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      const next = await api.switchActiveModel(model);
      setSaved(next.model);
      setChoice(null);
      state.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Active model</h2>
      <LoadState loadable={state} label="the active model" isEmpty={(s) => s.models.length === 0} empty={<p>Add a model first; the first one becomes the active model.</p>}>
        {(s) => {
          const selected = choice ?? s.model ?? s.models[0] ?? '';
          return (
            <form
              className="form-row"
              onSubmit={(e) => {
                e.preventDefault();
                void switchTo(selected);
              }}
            >
              <div className="field">
                <label htmlFor={`${id}-select`}>
                  Apps that send <code className="inline-code">{s.alias}</code> get
                </label>
                <select
                  id={`${id}-select`}
                  value={selected}
                  onChange={(e) => {
                    // "Active model is now X" was about the last switch, not this new choice.
                    setSaved(null);
                    setError(null);
                    setChoice(e.target.value);
                  }}
                >
                  {s.models.map((m) => (
                    <option key={m} value={m}>
                      {m}
                      {m === s.model ? ' (active)' : ''}
                    </option>
                  ))}
                </select>
              </div>
              <button type="submit" className="button-primary" disabled={busy || selected === s.model}>
                {busy ? 'Switching…' : 'Make active'}
              </button>
              <span role="status" className="muted">
                {saved ? `Active model is now ${saved}.` : ''}
              </span>
            </form>
          );
        }}
      </LoadState>
      {error ? <ErrorNotice error={error} /> : null}
    </section>
  );
}
