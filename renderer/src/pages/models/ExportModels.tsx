// "Export as config.yaml": the models added in this dashboard as a LiteLLM config.yaml fragment,
// shown for copying and offered as a download. Provider keys in it are references
// (keychain/NAME, os.environ/NAME); the gateway never sends a key's value.
import { useState } from 'react';
import type { ApiClient } from '../../api/create-api-client.js';
import type { ModelExport } from '../../../../shared/api/export-schemas.js';
import { CopyButton } from '../../components/CopyButton.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import { saveTextFile } from '../../components/save-text-file.js';

export const EXPORT_FILE_NAME = 'switchboard-models.yaml';

export function ExportModels({ api }: { api: ApiClient }) {
  const [exported, setExported] = useState<ModelExport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const load = async () => {
    setBusy(true);
    setError(null);
    try {
      setExported(await api.exportModels());
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="export-models-title">
      <div className="card-head">
        <h2 id="export-models-title">Export</h2>
        <button type="button" onClick={() => void load()} disabled={busy}>
          {busy ? 'Exporting…' : 'Export as config.yaml'}
        </button>
      </div>
      <p className="muted small">
        The models added here, as a LiteLLM <code>config.yaml</code> fragment for a config file or another gateway. Provider keys appear as
        references (<code>keychain/NAME</code>, <code>os.environ/NAME</code>), never as values; models from a config file are already in it.
      </p>
      {error ? <ErrorNotice error={error} onRetry={() => void load()} /> : null}
      {exported ? (
        <div className="export-models">
          <p role="status" className="small">
            {exported.models === 0 ? 'No model was added in the dashboard: the fragment is an empty model_list.' : `${exported.models} model${exported.models === 1 ? '' : 's'} exported.`}
          </p>
          <pre className="code" aria-label="config.yaml fragment" tabIndex={0}>{exported.yaml}</pre>
          <div className="file-actions">
            <button type="button" onClick={() => saveTextFile(EXPORT_FILE_NAME, exported.yaml, 'application/yaml')}>
              Download {EXPORT_FILE_NAME}
            </button>
            <CopyButton text={exported.yaml} label="Copy the config.yaml fragment" />
          </div>
        </div>
      ) : null}
    </section>
  );
}
