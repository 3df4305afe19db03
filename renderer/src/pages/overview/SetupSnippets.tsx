// "Connect a client": pick a client, a model and a key, get setup to paste. The key field is
// filled with a key created in this tab (shown-once keys live only in memory) or typed by the
// user; nothing here is stored. Snippets are text in <pre>, never HTML.
import { useId, useState } from 'react';
import { CopyButton } from '../../components/CopyButton.js';
import { buildSetupSnippet, SETUP_CLIENTS, SETUP_CLIENT_LABELS, type SetupClient, type SetupStep } from './build-setup-snippets.js';

export interface SetupSnippetsProps {
  origin: string;
  /** The Ollama listener's origin when it is on: what the Ollama clients' snippets point at. */
  ollamaOrigin?: string;
  /** Model names clients can send: the active-model alias first, then the groups. */
  models: readonly string[];
  /** A key created in this tab, if any. */
  initialKey: string | null;
}

export const KEY_PLACEHOLDER = 'sk-your-app-key';

export function SetupSnippets({ origin, ollamaOrigin, models, initialKey }: SetupSnippetsProps) {
  const id = useId();
  const [client, setClient] = useState<SetupClient>('openai-python');
  const [picked, setModel] = useState<string | null>(null);
  const [key, setKey] = useState(initialKey ?? '');
  // The list arrives after the first render: follow it until the user picks.
  const model = picked !== null && (models.length === 0 || models.includes(picked)) ? picked : (models[0] ?? picked ?? 'your-model');
  const snippet = buildSetupSnippet(client, { origin, ...(ollamaOrigin ? { ollamaOrigin } : {}), key: key.trim() === '' ? KEY_PLACEHOLDER : key.trim(), model });
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Connect a client</h2>
      <div className="form-row">
        <div className="field">
          <label htmlFor={`${id}-client`}>Client</label>
          <select id={`${id}-client`} value={client} onChange={(e) => setClient(e.target.value as SetupClient)}>
            {SETUP_CLIENTS.map((c) => (
              <option key={c} value={c}>
                {SETUP_CLIENT_LABELS[c]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-model`}>Model</label>
          {models.length > 0 ? (
            <select id={`${id}-model`} value={model} onChange={(e) => setModel(e.target.value)}>
              {models.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          ) : (
            <input id={`${id}-model`} value={model} onChange={(e) => setModel(e.target.value)} />
          )}
        </div>
        <div className="field field-grow">
          <label htmlFor={`${id}-key`}>App key</label>
          <input
            id={`${id}-key`}
            value={key}
            onChange={(e) => setKey(e.target.value)}
            placeholder={KEY_PLACEHOLDER}
            spellCheck={false}
            autoComplete="off"
            aria-describedby={`${id}-key-hint`}
          />
          {/* Not in the placeholder: a narrow window cut it off mid-sentence. */}
          <span id={`${id}-key-hint`} className="hint">
            Paste the key you created for this app.
          </span>
        </div>
      </div>
      <div className="snippet">
        <SnippetBlock step={snippet} label={`${SETUP_CLIENT_LABELS[client]} setup`} />
        {snippet.steps?.map((step, index) => (
          <SnippetBlock key={step.where} step={step} label={`${SETUP_CLIENT_LABELS[client]} setup, step ${index + 2}`} />
        ))}
        {snippet.note ? <p className="muted small">{snippet.note}</p> : null}
      </div>
    </section>
  );
}

/** One block to paste: where it goes, a copy button, the text. */
function SnippetBlock({ step, label }: { step: SetupStep; label: string }) {
  return (
    <>
      <div className="snippet-head">
        <span className="muted small">{step.where}</span>
        <CopyButton text={step.code} label={`Copy the ${label}`} />
      </div>
      <pre className="code" aria-label={label} tabIndex={0}>
        <code>{step.code}</code>
      </pre>
    </>
  );
}
