// Logs: recent requests, newest first, filterable by app, model and outcome, with a detail
// view. App, model and team filtering is done by the gateway; outcome filters the loaded requests
// (the latest 100, more on request). The App filter lives in the URL fragment (#/logs?app=NAME), so
// Usage and Apps link to one app's requests. Refreshes every 2 s while visible.
import { useEffect, useId, useState } from 'react';
import type { ApiClient } from '../../api/create-api-client.js';
import { useApi } from '../../api/use-api.js';
import type { PageId } from '../../app/use-hash-route.js';
import { LoadState } from '../../components/LoadState.js';
import { USAGE_STATUSES, type SpendLogRow } from '../../../../shared/api/usage-schemas.js';
import { formatSpend } from '../../../../shared/format-usd.js';
import { useModelPricing } from '../../api/use-model-pricing.js';
import { TableWrap } from '../../components/TableWrap.js';
import { formatCount } from '../../format/format-count.js';
import { formatDateTime, formatDateTimeWithZone } from '../../format/format-date-time.js';
import { formatLatency } from '../../format/format-latency.js';
import { LogDetail } from './LogDetail.js';
import { STATUS_LABELS, STATUS_TONE } from './status-labels.js';
import { TeamFilter } from '../../components/TeamFilter.js';
import type { ViewerTeam } from '../../session/viewer.js';
import { appFromHash, logsOfApp } from './logs-app-link.js';

export interface LogsPageProps {
  api: ApiClient;
  go: (page: PageId) => void;
  /** The admin's session; a member's key reads its own requests only, and not the gateway's settings. */
  admin: boolean;
  /** A member's session: the teams it admins, whose requests it may also read (undefined for the admin). */
  memberTeams?: readonly ViewerTeam[];
}

const PAGE = 100;
const MAX_ROWS = 1000;
type StatusFilter = '' | 'errors' | SpendLogRow['status'];

/** "Errors" are failures: a refusal by policy (rejected) is not one, and has its own filter. */
const isError = (row: SpendLogRow) => row.status !== 'success' && row.status !== 'rejected';

export function LogsPage({ api, go, admin, memberTeams }: LogsPageProps) {
  const id = useId();
  const [model, setModel] = useState('');
  // A team is filtered by the gateway (the requests of the keys the team owns), like the model.
  const [teamId, setTeamId] = useState('');
  const [app, setAppState] = useState(() => appFromHash(window.location.hash));
  const setApp = (next: string) => {
    setAppState(next);
    // Replaced, not pushed (no hashchange, no history entry per choice): a reload keeps the filter.
    window.history.replaceState(window.history.state, '', next === '' ? '#/logs' : logsOfApp(next));
  };
  // Back/forward or a link between two Logs fragments: the filter follows the URL.
  useEffect(() => {
    const onChange = () => setAppState(appFromHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const [status, setStatus] = useState<StatusFilter>('');
  const [size, setSize] = useState(PAGE);
  const [selected, setSelected] = useState<SpendLogRow | null>(null);
  const pricing = useModelPricing(api);
  const logs = useApi(() => api.spendLogs({ page: 1, pageSize: size, ...(model ? { model } : {}), ...(teamId ? { teamId } : {}), ...(app ? { app } : {}) }), [api, model, teamId, app, size], { refreshMs: 2_000 });
  // Every app the gateway has seen (admin only); a member chooses among its loaded requests' apps.
  const knownApps = useApi(() => (admin ? api.listApps() : Promise.resolve([])), [api, admin]);
  const models = useApi(() => api.listModels(), [api]);
  // Whether bodies are logged is a gateway setting only the admin reads (a member is not told how to change it).
  const settings = useApi(() => (admin ? api.settings() : Promise.resolve(null)), [api, admin]);

  const rows = logs.data?.data ?? [];
  // A key's requests are named after the key (its alias), which /app/list does not hold: both are offered.
  const apps = [...new Set([...(knownApps.data ?? []).map((a) => a.app), ...rows.map((r) => r.app)])].sort();
  const shown = rows.filter((r) => status === '' || (status === 'errors' ? isError(r) : r.status === status));
  const groups = [...new Set(models.data?.data.map((m) => m.model_name) ?? [])];

  return (
    <div className="stack">
      <form className="toolbar card" onSubmit={(e) => e.preventDefault()} aria-label="Filter requests">
        <div className="field">
          <label htmlFor={`${id}-app`}>App</label>
          <select id={`${id}-app`} value={app} onChange={(e) => setApp(e.target.value)}>
            <option value="">All apps</option>
            {[...new Set([...apps, ...(app ? [app] : [])])].map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        <TeamFilter api={api} id={`${id}-team`} value={teamId} onChange={setTeamId} {...(memberTeams ? { memberTeams } : {})} />
        <div className="field">
          <label htmlFor={`${id}-model`}>Model</label>
          <select id={`${id}-model`} value={model} onChange={(e) => setModel(e.target.value)}>
            <option value="">All models</option>
            {[...new Set([...groups, ...(model ? [model] : [])])].map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-status`}>Outcome</label>
          <select id={`${id}-status`} value={status} onChange={(e) => setStatus(e.target.value as StatusFilter)}>
            <option value="">All</option>
            <option value="errors">Errors (not rejections)</option>
            {USAGE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <button type="button" onClick={logs.reload} disabled={logs.refreshing}>
          {logs.refreshing ? 'Refreshing…' : 'Refresh'}
        </button>
      </form>

      {selected ? <LogDetail row={selected} bodyLogging={settings.data?.body_logging} onClose={() => setSelected(null)} priced={!pricing.isFree(selected.model_id ?? selected.model_group)} /> : null}

      <section className="card" aria-labelledby={`${id}-title`}>
        <h2 id={`${id}-title`}>Recent requests</h2>
        <LoadState
          loadable={logs}
          label="requests"
          isEmpty={(page) => page.data.length === 0}
          empty={
            <div>
              <p className="strong">No requests yet{app ? ` from ${app}` : ''}{model ? ` for ${model}` : ''}{teamId ? ' from this team' : ''}.</p>
              <p>
                Requests made through the gateway show up here within seconds. <a href="#/overview">See how to connect a client</a>.
              </p>
            </div>
          }
        >
          {(page) => (
            <>
              {shown.length === 0 ? <p>No loaded request matches these filters.</p> : null}
              {shown.length > 0 ? (
                <TableWrap label="Recent requests">
                  <table className="table table-cards">
                    <caption className="visually-hidden">Recent requests, newest first</caption>
                    <thead>
                      <tr>
                        <th scope="col">Time</th>
                        <th scope="col">App</th>
                        <th scope="col">Model</th>
                        <th scope="col">Outcome</th>
                        <th scope="col">Tokens</th>
                        <th scope="col">Cost</th>
                        <th scope="col">Latency</th>
                        <th scope="col">
                          <span className="visually-hidden">Details</span>
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {shown.map((r) => (
                        <tr key={r.request_id} className={selected?.request_id === r.request_id ? 'row-selected' : undefined}>
                          <td className="small nowrap" data-label="Time">{formatDateTimeWithZone(r.startTime)}</td>
                          <td data-label="App">{r.app}</td>
                          <td data-label="Model">
                            {r.model_group === '' && r.requested_model === '' ? (
                              // Refused at the key check, before the body (and its model) was read.
                              <span className="muted">refused before routing</span>
                            ) : (
                              <>
                                {r.model_group}
                                {r.requested_model !== r.model_group ? <span className="muted small"> (asked {r.requested_model})</span> : null}
                              </>
                            )}
                          </td>
                          <td data-label="Outcome">
                            <span className={`badge badge-${STATUS_TONE[r.status]}`}>{STATUS_LABELS[r.status]}</span> <span className="muted small">{r.http_status}</span>
                          </td>
                          <td className="small" data-label="Tokens">
                            {formatCount(r.prompt_tokens)} / {formatCount(r.completion_tokens)}
                          </td>
                          <td data-label="Cost">{formatSpend(r.spend_micros, !pricing.isFree(r.model_id ?? r.model_group))}</td>
                          <td className="small" data-label="Latency">{formatLatency(r.request_duration_ms)}</td>
                          <td>
                            <button type="button" className="button-small" onClick={() => setSelected(r)} aria-label={`Details of the ${r.app} request at ${formatDateTime(r.startTime)}`}>
                              Details
                            </button>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableWrap>
              ) : null}
              <p className="muted small">
                Showing {shown.length} of the latest {formatCount(page.data.length)} requests ({formatCount(page.total ?? page.data.length)} in total{app ? ` from ${app}` : ''}{model ? ` for ${model}` : ''}).
                {settings.data && !settings.data.body_logging ? ' Bodies are not logged.' : ''}
              </p>
              {(page.total ?? 0) > page.data.length && size < MAX_ROWS ? (
                <button type="button" onClick={() => setSize((s) => Math.min(MAX_ROWS, s + PAGE))}>
                  Load older requests
                </button>
              ) : null}
              {settings.data && !settings.data.body_logging ? (
                <p className="small">
                  <button type="button" className="link-button" onClick={() => go('settings')}>
                    Body logging settings
                  </button>
                </p>
              ) : null}
            </>
          )}
        </LoadState>
      </section>
    </div>
  );
}
