// Models: the active model, every group and deployment (health, latency, prices, where it is
// defined), add/edit/delete for dashboard-managed ones, a Test button, local discovery, and
// provider keys when the gateway has a keychain. Every change applies without a restart.
import { useState } from 'react';
import type { ApiClient } from '../../api/create-api-client.js';
import { useApi } from '../../api/use-api.js';
import { isApiError } from '../../api/api-error.js';
import { LoadState } from '../../components/LoadState.js';
import { ErrorNotice } from '../../components/ErrorNotice.js';
import type { ModelInfoEntry, ModelNewResult } from '../../../../shared/api/model-schemas.js';
import { ActiveModelPicker } from './ActiveModelPicker.js';
import { ModelTable } from './ModelTable.js';
import { ModelForm } from './ModelForm.js';
import { DiscoveredModels } from './DiscoveredModels.js';
import { ProviderKeys } from './ProviderKeys.js';
import { ExportModels } from './ExportModels.js';
import { EMPTY_MODEL_FORM, formValuesFromEntry, toNewRequest, toUpdateRequest } from './model-form-values.js';

type Editing = { mode: 'add' } | { mode: 'edit'; entry: ModelInfoEntry } | null;

export function ModelsPage({ api }: { api: ApiClient }) {
  const models = useApi(() => api.listModels(), [api]);
  const [version, setVersion] = useState(0);
  // The last report on first view; a fresh probe after every change, so new models show health.
  const health = useApi(() => api.health(version === 0), [api, version]);
  const credentials = useApi(() => api.listCredentials(), [api]);
  const active = useApi(() => api.activeModel(), [api, version]);
  const [editing, setEditing] = useState<Editing>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [deleteError, setDeleteError] = useState<unknown>(null);

  // Opening a form starts a new subject: the last "Added/Saved/Deleted" note or delete error is
  // about another model and must not linger beside it.
  const edit = (next: Editing) => {
    setMessage(null);
    setDeleteError(null);
    setEditing(next);
  };
  const changed = (text: string) => {
    setMessage(text);
    setDeleteError(null);
    models.reload();
    credentials.reload();
    setVersion((v) => v + 1);
  };
  const keychainNames = credentials.data?.data.filter((c) => c.stored_in === 'keychain').map((c) => c.name) ?? [];
  // A gateway without a keychain has no /credentials route: then there is nothing to show.
  const credentialsMissing = credentials.status === 'error' && isApiError(credentials.error) && credentials.error.status === 404;

  const form =
    editing === null ? null : (
      <ModelForm
        key={editing.mode === 'edit' ? editing.entry.model_info.id : 'add'}
        mode={editing.mode}
        initial={editing.mode === 'edit' ? formValuesFromEntry(editing.entry) : EMPTY_MODEL_FORM}
        keychainNames={keychainNames}
        onCancel={() => setEditing(null)}
        onSubmit={async (values) => {
          if (editing.mode === 'add') {
            changed(addedMessage(await api.createModel(toNewRequest(values))));
          } else {
            const updated = await api.updateModel(toUpdateRequest(editing.entry.model_info.id, values));
            changed(`Saved ${updated.model_name} (${updated.litellm_params.model}).`);
          }
          setEditing(null);
        }}
      />
    );

  return (
    <div className="stack">
      <ActiveModelPicker api={api} version={version} />

      <section className="card" aria-labelledby="models-title">
        <div className="card-head">
          <h2 id="models-title">Models</h2>
          {editing === null ? (
            <button type="button" className="button-primary" onClick={() => edit({ mode: 'add' })}>
              Add a model
            </button>
          ) : null}
        </div>
        <p role="status" className="muted small">
          {message ?? ''}
        </p>
        {deleteError ? <ErrorNotice error={deleteError} /> : null}
        <LoadState
          loadable={models}
          label="models"
          isEmpty={(m) => m.data.length === 0}
          empty={
            <div>
              <p className="strong">No models yet.</p>
              <p>Add one below, or find the models a local server (Ollama, LM Studio, vLLM) already has.</p>
              {editing === null ? (
                <button type="button" className="button-primary" onClick={() => edit({ mode: 'add' })}>
                  Add your first model
                </button>
              ) : null}
            </div>
          }
        >
          {(m) => (
            <>
              <ModelTable
                api={api}
                entries={m.data}
                health={health.data}
                active={active.data}
                onEdit={(entry) => edit({ mode: 'edit', entry })}
                onDelete={async (entry, switchActiveTo) => {
                  // A failed delete of this model must not sit under "Added …" about another one.
                  setMessage(null);
                  setDeleteError(null);
                  try {
                    const result = switchActiveTo === undefined ? await api.deleteModel(entry.model_info.id) : await api.deleteModel(entry.model_info.id, switchActiveTo);
                    const moved = result.active_model;
                    changed(`Deleted ${entry.litellm_params.model} from ${entry.model_name}.${moved ? ` Apps sending ${moved.alias} now get ${moved.model ?? 'nothing until you add a model'}.` : ''}`);
                  } catch (e) {
                    setDeleteError(e);
                  }
                }}
              />
              <p className="muted small">
                Health is from the last check{health.refreshing || health.status === 'loading' ? ' (checking now…)' : ''}.{' '}
                <button type="button" className="link-button" onClick={() => setVersion((v) => v + 1)}>
                  Check again
                </button>
                {' '}A price shown as — comes from Switchboard's price list; local servers are free unless you set one.
              </p>
            </>
          )}
        </LoadState>
      </section>

      {form}

      <DiscoveredModels api={api} onAdded={(created) => changed(addedMessage(created))} />

      <ExportModels api={api} />

      {credentialsMissing ? null : credentials.status === 'ready' && credentials.data ? (
        <ProviderKeys api={api} credentials={credentials.data} onSaved={() => credentials.reload()} />
      ) : credentials.status === 'error' ? (
        <section className="card" aria-label="Provider keys">
          <h2>Provider keys</h2>
          <ErrorNotice error={credentials.error} onRetry={credentials.reload} />
        </section>
      ) : null}
    </div>
  );
}

/** What adding a model did, including the active alias following it (its default did not answer). */
function addedMessage(created: ModelNewResult): string {
  const followed = created.active_model_followed;
  const added = `Added ${created.model_name} (${created.litellm_params.model}).`;
  return followed ? `${added} Apps sending ${followed.alias} now get ${followed.to}: ${followed.from} does not answer.` : added;
}
