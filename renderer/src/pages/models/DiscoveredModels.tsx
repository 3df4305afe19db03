// Local models found on this machine (Ollama, LM Studio, vLLM at their usual addresses and at
// configured ones), each added with one click under its own name.
import type { ModelNewResult } from '../../../../shared/api/model-schemas.js';
import { useState } from 'react';
import type { ApiClient } from '../../api/create-api-client.js';
import type { DiscoveryReport } from '../../../../shared/api/discovery-schemas.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';

export function DiscoveredModels({ api, onAdded }: { api: ApiClient; onAdded: (created: ModelNewResult) => void }) {
  const [report, setReport] = useState<DiscoveryReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [adding, setAdding] = useState<string | null>(null);
  const [added, setAdded] = useState<ReadonlySet<string>>(new Set());

  const discover = async () => {
    setBusy(true);
    setError(null);
    try {
      setReport(await api.discoverModels());
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const add = async (apiBase: string, id: string, litellmModel: string) => {
    const key = `${apiBase} ${id}`;
    setAdding(key);
    setError(null);
    try {
      const created = await api.createModel({ model_name: id, litellm_params: { model: litellmModel, api_base: apiBase } });
      setAdded((s) => new Set([...s, key]));
      onAdded(created);
    } catch (e) {
      setError(e);
    } finally {
      setAdding(null);
    }
  };

  return (
    <section className="card" aria-labelledby="discover-title">
      <div className="card-head">
        <h2 id="discover-title">Local models</h2>
        <button type="button" onClick={() => void discover()} disabled={busy}>
          {busy ? 'Looking…' : report ? 'Look again' : 'Find local models'}
        </button>
      </div>
      <p className="muted small">Looks for Ollama (port 11434), LM Studio (1234) and vLLM (8000) on this machine, and at the local servers already configured.</p>
      {error ? <ErrorNotice error={error} /> : null}
      {report?.servers.map((server) => (
        <div key={`${server.provider} ${server.api_base}`} className="server">
          <h3 className="server-title">
            <span className={server.reachable ? 'dot dot-ok' : 'dot dot-off'} aria-hidden="true" /> {server.provider} <span className="mono small muted">{server.api_base}</span>
          </h3>
          {!server.reachable ? <p className="muted small">Not running{server.error ? `: ${server.error}` : ''}</p> : null}
          {server.reachable && server.models.length === 0 ? <p className="muted small">Running, with no models installed.</p> : null}
          <ul className="discovered">
            {server.models.map((m) => {
              const key = `${server.api_base} ${m.id}`;
              const isAdded = m.already_configured || added.has(key);
              return (
                <li key={m.id}>
                  <span className="mono">{m.id}</span>
                  {isAdded ? (
                    <span className="badge badge-ok">Added{m.configured_as.length > 0 ? ` as ${m.configured_as.join(', ')}` : ''}</span>
                  ) : (
                    <button type="button" className="button-small" onClick={() => void add(server.api_base, m.id, m.litellm_model)} disabled={adding !== null} aria-label={`Add ${m.id}`}>
                      {adding === key ? 'Adding…' : 'Add'}
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
        </div>
      ))}
      {report && report.servers.length === 0 ? <p>No local model servers found.</p> : null}
    </section>
  );
}
