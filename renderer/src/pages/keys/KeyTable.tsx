// Every app key: name, masked key, models, budget used of its limit, rate limits, last use,
// expiry and status, with edit, block/unblock, regenerate and delete (the last two confirmed).
import type { KeyDescription } from '../../../../shared/api/key-schemas.js';
import { ConfirmButton } from '../../components/ConfirmButton.js';
import { LimitsCell } from '../../components/LimitsCell.js';
import { formatUsd } from '../../../../shared/format-usd.js';
import { usdToMicros } from '../../../../shared/usd-to-micros.js';
import { RelativeTime } from '../../components/RelativeTime.js';
import { TableWrap } from '../../components/TableWrap.js';
import { Token } from '../../components/Token.js';

export interface KeyTableProps {
  keys: readonly KeyDescription[];
  now: number;
  onEdit: (key: KeyDescription) => void;
  onToggleBlock: (key: KeyDescription) => Promise<void>;
  onRegenerate: (key: KeyDescription) => Promise<void>;
  onDelete: (key: KeyDescription) => Promise<void>;
  /** Team names by id: with any, a Team column shows each key's team (and user). A gateway without teams looks as before. */
  teamNames?: ReadonlyMap<string, string>;
}

export function keyStatus(key: KeyDescription, now: number): { label: string; tone: 'ok' | 'bad' | 'warn' } {
  if (key.blocked) return { label: 'Blocked', tone: 'bad' };
  if (key.expires !== null && Date.parse(key.expires) <= now) return { label: 'Expired', tone: 'bad' };
  if (key.max_budget !== null && key.spend >= key.max_budget) return { label: 'Over budget', tone: 'warn' };
  return { label: 'Active', tone: 'ok' };
}

export function KeyTable({ keys, now, onEdit, onToggleBlock, onRegenerate, onDelete, teamNames }: KeyTableProps) {
  const showOwners = (teamNames !== undefined && teamNames.size > 0) || keys.some((k) => (k.team_id ?? null) !== null || (k.user_id ?? null) !== null);
  return (
    <TableWrap label="App keys">
      <table className="table table-cards">
        <caption className="visually-hidden">App keys</caption>
        <thead>
          <tr>
            <th scope="col">App</th>
            <th scope="col">Key</th>
            {showOwners ? <th scope="col">Team</th> : null}
            <th scope="col">Models</th>
            <th scope="col">Budget</th>
            <th scope="col">Limits</th>
            <th scope="col">Last used</th>
            <th scope="col">Expires</th>
            <th scope="col">Status</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => {
            const name = key.key_alias ?? key.key_id;
            const status = keyStatus(key, now);
            const share = key.max_budget !== null && key.max_budget > 0 ? Math.min(1, key.spend / key.max_budget) : null;
            return (
              <tr key={key.token}>
                <th scope="row" className="strong">
                  {name}
                </th>
                <td data-label="Key">
                  <Token value={key.key_name} />
                </td>
                {showOwners ? (
                  <td className="small" data-label="Team">
                    {key.team_id ? teamNames?.get(key.team_id) ?? key.team_id : <span className="muted">none</span>}
                    {key.user_id ? <div className="muted">user {key.user_id}</div> : null}
                  </td>
                ) : null}
                <td className="small" data-label="Models">{key.models.length === 0 ? <span className="muted">all</span> : key.models.join(', ')}</td>
                <td className="small" data-label="Budget">
                  {formatUsd(usdToMicros(key.spend))}
                  {key.max_budget === null ? <span className="muted"> / no limit</span> : <> / {formatUsd(usdToMicros(key.max_budget))}</>}
                  {key.budget_duration ? <span className="muted"> per {key.budget_duration}</span> : null}
                  {share !== null ? (
                    <meter className="budget-meter" min={0} max={1} low={0.75} high={0.9} optimum={0} value={share} aria-label={`${Math.round(share * 100)}% of the budget used`} />
                  ) : null}
                </td>
                <LimitsCell rpm={key.rpm_limit} tpm={key.tpm_limit} extra={key.max_parallel_requests === null ? null : `${key.max_parallel_requests} parallel`} />
                <td className="small" data-label="Last used">
                  <RelativeTime value={key.last_active} now={() => now} />
                </td>
                <td className="small" data-label="Expires">
                  <RelativeTime value={key.expires} now={() => now} />
                </td>
                <td data-label="Status">
                  <span className={`badge badge-${status.tone}`}>{status.label}</span>
                </td>
                <td>
                  <div className="row-actions">
                    <button type="button" className="button-small" onClick={() => onEdit(key)} aria-label={`Edit ${name}`}>
                      Edit
                    </button>
                    <button type="button" className="button-small" onClick={() => void onToggleBlock(key)} aria-label={`${key.blocked ? 'Unblock' : 'Block'} ${name}`}>
                      {key.blocked ? 'Unblock' : 'Block'}
                    </button>
                    <ConfirmButton label="Regenerate" ariaLabel={`Regenerate ${name}`} question={`Replace the key for ${name}? The old key stops working now.`} onConfirm={() => onRegenerate(key)} />
                    <ConfirmButton label="Delete" ariaLabel={`Delete ${name}`} question={`Delete the key for ${name}? Apps using it stop working.`} onConfirm={() => onDelete(key)} />
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableWrap>
  );
}
