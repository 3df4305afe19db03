// Every app seen or given a rule: when it first and last called, its requests and spend today,
// spend against its budget (the spend bar Keys and Teams use) and the budget period, its limits,
// models and default model, and whether it is allowed; with a link to its requests in Logs, Edit,
// and Clear rule (confirmed). When only allowed apps may call, an app not allowed is marked so.
import type { AppDescription } from '../../../../shared/api/app-schemas.js';
import { ConfirmButton } from '../../components/ConfirmButton.js';
import { RelativeTime } from '../../components/RelativeTime.js';
import { SpendBar } from '../../components/SpendBar.js';
import { LimitsCell } from '../../components/LimitsCell.js';
import { TableWrap } from '../../components/TableWrap.js';
import { formatCount } from '../../format/format-count.js';
import { formatUsd } from '../../../../shared/format-usd.js';
import { usdToMicros } from '../../../../shared/usd-to-micros.js';
import { budgetPeriodLabel } from '../teams/TeamTable.js';
import { logsOfApp } from '../logs/logs-app-link.js';

export interface AppTableProps {
  apps: readonly AppDescription[];
  now: number;
  /** general_settings.only_allowed_apps: apps not allowed are refused. */
  onlyAllowed: boolean;
  onEdit: (app: AppDescription) => void;
  onClearRule: (app: AppDescription) => Promise<void>;
}

export function AppTable({ apps, now, onlyAllowed, onEdit, onClearRule }: AppTableProps) {
  return (
    <TableWrap label="Apps">
      <table className="table table-cards">
        <caption className="visually-hidden">Apps</caption>
        <thead>
          <tr>
            <th scope="col">App</th>
            <th scope="col">Seen</th>
            <th scope="col">Today</th>
            <th scope="col">Spend</th>
            <th scope="col">Limits</th>
            <th scope="col">Models</th>
            <th scope="col">Allowed</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {apps.map((app) => (
            <tr key={app.app}>
              <th scope="row" className="strong">
                {app.app}
              </th>
              <td className="small" data-label="Seen">
                {app.first_seen === null ? (
                  <span className="muted">not yet</span>
                ) : (
                  <>
                    <div>
                      <span className="muted">first </span>
                      <RelativeTime value={app.first_seen} now={() => now} />
                    </div>
                    <div>
                      <span className="muted">last </span>
                      <RelativeTime value={app.last_seen} now={() => now} />
                    </div>
                  </>
                )}
              </td>
              <td className="small nowrap" data-label="Today">
                {formatCount(app.requests_today)} {app.requests_today === 1 ? 'request' : 'requests'} · {formatUsd(usdToMicros(app.spend_today))}
              </td>
              <td className="small" data-label="Spend">
                <SpendBar spend={app.spend} maxBudget={app.max_budget} softBudget={null} />
                {app.max_budget !== null ? (
                  <div className="muted">
                    {budgetPeriodLabel(app.budget_duration)}
                    {app.budget_reset_at !== null ? (
                      <>
                        , next <RelativeTime value={app.budget_reset_at} now={() => now} />
                      </>
                    ) : null}
                  </div>
                ) : null}
              </td>
              <LimitsCell rpm={app.rpm_limit} tpm={app.tpm_limit} />
              <td className="small" data-label="Models">
                {app.models.length === 0 ? <span className="muted">all</span> : app.models.join(', ')}
                {app.default_model !== null ? <div className="muted">default {app.default_model}</div> : null}
              </td>
              <td data-label="Allowed">
                {app.allowed ? (
                  <span className="badge badge-ok">Allowed</span>
                ) : onlyAllowed ? (
                  <span className="badge badge-bad">Not allowed: refused</span>
                ) : (
                  <span className="muted small">not listed</span>
                )}
              </td>
              <td>
                <div className="row-actions">
                  <a className="small" href={logsOfApp(app.app)} aria-label={`Requests of ${app.app} in Logs`}>
                    Logs
                  </a>
                  <button type="button" className="button-small" onClick={() => onEdit(app)} aria-label={`Edit the rule for ${app.app}`}>
                    {app.has_rule ? 'Edit' : 'Set rule'}
                  </button>
                  {app.has_rule ? (
                    <ConfirmButton
                      label="Clear rule"
                      ariaLabel={`Clear the rule for ${app.app}`}
                      question={`Clear the rule for ${app.app}? Its budget, limits, models and allowed mark are removed; its usage stays.`}
                      confirmLabel="Clear"
                      onConfirm={() => onClearRule(app)}
                    />
                  ) : null}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
