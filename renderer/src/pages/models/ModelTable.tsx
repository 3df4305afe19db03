// Model groups and their deployments: provider, base URL, health and latency from the last
// check, prices, and where each one is defined. Dashboard-managed ones can be edited and
// deleted; config-file ones are read-only and name their file.
import type { ApiClient } from '../../api/create-api-client.js';
import type { ModelInfoEntry } from '../../../../shared/api/model-schemas.js';
import type { HealthReport } from '../../../../shared/api/health-schemas.js';
import { ConfirmButton } from '../../components/ConfirmButton.js';
import { formatPerMillion } from '../../format/format-per-million.js';
import { formatLatency } from '../../format/format-latency.js';
import { ModelTestButton } from './ModelTestButton.js';
import { TableWrap } from '../../components/TableWrap.js';
import { Token } from '../../components/Token.js';
import { DeleteActiveModelButton } from './DeleteActiveModelButton.js';

export interface ModelTableProps {
  api: ApiClient;
  entries: readonly ModelInfoEntry[];
  health: HealthReport | undefined;
  /** The active alias and its group: deleting that group's last deployment asks where the alias goes. */
  active: { alias: string; model: string | null } | undefined;
  onEdit: (entry: ModelInfoEntry) => void;
  onDelete: (entry: ModelInfoEntry, switchActiveTo?: string) => Promise<void>;
}

export function ModelTable({ api, entries, health, active, onEdit, onDelete }: ModelTableProps) {
  const groups = new Map<string, ModelInfoEntry[]>();
  for (const entry of entries) groups.set(entry.model_name, [...(groups.get(entry.model_name) ?? []), entry]);
  const healthOf = (id: string) => {
    const ok = health?.healthy_endpoints.find((e) => e.deployment_id === id);
    if (ok) return { healthy: true, latency: ok.latency_ms, error: undefined };
    const bad = health?.unhealthy_endpoints.find((e) => e.deployment_id === id);
    return bad ? { healthy: false, latency: bad.latency_ms, error: bad.error } : undefined;
  };
  return (
    <TableWrap label="Models">
      <table className="table table-cards">
        <caption className="visually-hidden">Model groups and their deployments</caption>
        <thead>
          <tr>
            <th scope="col">Deployment</th>
            <th scope="col">Base URL</th>
            <th scope="col">Health</th>
            <th scope="col">Price in / out</th>
            <th scope="col">Defined in</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        {[...groups].map(([name, list]) => (
          <tbody key={name}>
            <tr className="group-row">
              <th scope="rowgroup" colSpan={6}>
                {name} <span className="muted small">{list.length === 1 ? '1 deployment' : `${list.length} deployments`}</span>
              </th>
            </tr>
            {list.map((entry) => {
              const id = entry.model_info.id;
              const h = healthOf(id);
              const source = entry.model_info.source;
              return (
                <tr key={id}>
                  <td data-label="Deployment">
                    <div className="strong">{entry.litellm_params.model}</div>
                    <div className="muted small">id {id}</div>
                  </td>
                  <td className="small" data-label="Base URL">
                    <Token value={entry.litellm_params.api_base} />
                  </td>
                  <td data-label="Health">
                    {h === undefined ? (
                      <span className="badge">Not checked</span>
                    ) : (
                      <>
                        <span className={h.healthy ? 'badge badge-ok' : 'badge badge-bad'}>{h.healthy ? 'Healthy' : 'Unhealthy'}</span> <span className="muted small">{formatLatency(h.latency)}</span>
                        {h.error ? <div className="health-error small">{h.error}</div> : null}
                      </>
                    )}
                  </td>
                  <td className="small" data-label="Price in / out">
                    {formatPerMillion(entry.model_info.input_cost_per_token)}
                    <br />
                    {formatPerMillion(entry.model_info.output_cost_per_token)}
                  </td>
                  <td className="small" data-label="Defined in">
                    {source === 'database' ? 'Dashboard' : source === 'default' ? 'Built-in default (read-only)' : <>Config file <Token value={entry.model_info.source_file ?? ''} /> (read-only)</>}
                  </td>
                  <td>
                    <div className="row-actions">
                      {/* A test result is about the deployment as it was tested: saved changes to it start afresh. */}
                      <ModelTestButton key={JSON.stringify(entry.litellm_params)} api={api} deploymentId={id} label={`${name} (${entry.litellm_params.model})`} />
                      {entry.model_info.db_model ? (
                        <>
                          <button type="button" className="button-small" onClick={() => onEdit(entry)} aria-label={`Edit ${name} (${entry.litellm_params.model})`}>
                            Edit
                          </button>
                          {active?.model === name && list.length === 1 ? (
                            <DeleteActiveModelButton
                              ariaLabel={`Delete ${name} (${entry.litellm_params.model})`}
                              question={`Delete ${entry.litellm_params.model} from ${name}?`}
                              alias={active.alias}
                              remaining={[...groups.keys()].filter((g) => g !== name)}
                              onConfirm={(next) => onDelete(entry, next)}
                            />
                          ) : (
                            <ConfirmButton
                              label="Delete"
                              ariaLabel={`Delete ${name} (${entry.litellm_params.model})`}
                              question={`Delete ${entry.litellm_params.model} from ${name}?`}
                              onConfirm={() => onDelete(entry)}
                            />
                          )}
                        </>
                      ) : null}
                    </div>
                  </td>
                </tr>
              );
            })}
          </tbody>
        ))}
      </table>
    </TableWrap>
  );
}
