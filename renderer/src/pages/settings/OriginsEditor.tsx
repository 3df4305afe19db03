// The allowed browser origins: exact origins (scheme://host:port) that web pages may call the
// gateway from. Default none. Each is checked with the shared rule before it is added.
import { useId, useState } from 'react';
import { isBrowserOrigin } from '../../../../shared/api/settings-schemas.js';

export interface OriginsEditorProps {
  origins: readonly string[];
  onChange: (origins: string[]) => void;
}

export function OriginsEditor({ origins, onChange }: OriginsEditorProps) {
  const id = useId();
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | null>(null);
  const add = () => {
    const origin = draft.trim().replace(/\/$/, '');
    if (!isBrowserOrigin(origin)) {
      setError('Enter an exact origin such as http://localhost:3000 (scheme, host and port; no path, no *).');
      return;
    }
    setError(null);
    if (!origins.includes(origin)) onChange([...origins, origin]);
    setDraft('');
  };
  return (
    <fieldset className="origins">
      <legend>Allowed browser origins</legend>
      <p className="hint">Web pages from these origins may call the gateway (with a key). Requests from any other page are refused. Leave empty unless a web app you run needs it.</p>
      {origins.length === 0 ? <p className="muted small">None: no web page can call the gateway.</p> : null}
      <ul className="origin-list">
        {origins.map((origin) => (
          <li key={origin}>
            <span className="mono">{origin}</span>
            <button type="button" className="button-small" onClick={() => onChange(origins.filter((o) => o !== origin))} aria-label={`Remove ${origin}`}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      <div className="form-row">
        <div className="field field-grow">
          <label htmlFor={`${id}-origin`}>Add an origin</label>
          <input
            id={`${id}-origin`}
            value={draft}
            onChange={(e) => {
              // The error was about the origin typed before; this is another one.
              setError(null);
              setDraft(e.target.value);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                add();
              }
            }}
            placeholder="http://localhost:3000"
            spellCheck={false}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
          />
          {error ? (
            <p id={`${id}-error`} className="field-error" role="alert">
              {error}
            </p>
          ) : null}
        </div>
        <button type="button" onClick={add}>
          Add
        </button>
      </div>
    </fieldset>
  );
}
