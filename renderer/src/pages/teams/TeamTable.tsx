// Every team: name, members, allowed models, spend against its budget (soft budget marked), the
// budget period and its next reset, rate limits and status, with members, edit, block/unblock
// and delete (confirmed: the team's keys go with it).
import type { TeamDescription } from '../../../../shared/api/team-schemas.js';
import { ConfirmButton } from '../../components/ConfirmButton.js';
import { RelativeTime } from '../../components/RelativeTime.js';
import { SpendBar } from '../../components/SpendBar.js';
import { LimitsCell } from '../../components/LimitsCell.js';
import { TableWrap } from '../../components/TableWrap.js';
import { formatCount } from '../../format/format-count.js';
import { formatUsd } from '../../../../shared/format-usd.js';
import { usdToMicros } from '../../../../shared/usd-to-micros.js';
import { BUDGET_PERIODS } from '../keys/key-form-values.js';
import { teamName } from './team-name.js';

export interface TeamTableProps {
  teams: readonly TeamDescription[];
  now: number;
  /** The team whose members are open below the table, if any. */
  openTeamId: string | null;
  onMembers: (team: TeamDescription) => void;
  /** The admin's changes to a team; absent for a team admin, who manages only the members. */
  manage?: {
    onEdit: (team: TeamDescription) => void;
    onToggleBlock: (team: TeamDescription) => Promise<void>;
    onDelete: (team: TeamDescription) => Promise<void>;
  };
}

/** "Resets monthly", or the raw duration when it is not one of the form's choices. */
export function budgetPeriodLabel(duration: string | null): string {
  if (duration === null || duration === '') return 'Never resets';
  return BUDGET_PERIODS.find((p) => p.value === duration)?.label ?? `Resets every ${duration}`;
}

export function TeamTable({ teams, now, openTeamId, onMembers, manage }: TeamTableProps) {
  return (
    <TableWrap label="Teams">
      <table className="table table-cards">
        <caption className="visually-hidden">Teams</caption>
        <thead>
          <tr>
            <th scope="col">Team</th>
            <th scope="col">Members</th>
            <th scope="col">Models</th>
            <th scope="col">Spend</th>
            <th scope="col">Budget period</th>
            <th scope="col">Limits</th>
            <th scope="col">Status</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {teams.map((team) => {
            const name = teamName(team);
            const members = team.members_with_roles;
            return (
              <tr key={team.team_id}>
                <th scope="row" className="strong">
                  {name}
                </th>
                <td className="small" data-label="Members">
                  {members.length === 0 ? (
                    <span className="muted">none</span>
                  ) : (
                    <>
                      {formatCount(members.length)}: {members.map((m) => `${m.user_email ?? m.user_id}${m.role === 'admin' ? ' (admin)' : ''}`).join(', ')}
                    </>
                  )}
                </td>
                <td className="small" data-label="Models">{team.models.length === 0 ? <span className="muted">all</span> : team.models.join(', ')}</td>
                <td className="small" data-label="Spend">
                  <SpendBar spend={team.spend} maxBudget={team.max_budget} softBudget={team.soft_budget} />
                </td>
                <td className="small" data-label="Budget period">
                  {budgetPeriodLabel(team.budget_duration)}
                  {team.budget_reset_at !== null ? (
                    <div>
                      <span className="muted">next reset </span>
                      <RelativeTime value={team.budget_reset_at} now={() => now} />
                    </div>
                  ) : null}
                </td>
                <LimitsCell rpm={team.rpm_limit} tpm={team.tpm_limit} extra={team.team_member_budget === null ? null : `${formatUsd(usdToMicros(team.team_member_budget))} per member`} />
                <td data-label="Status">{team.blocked ? <span className="badge badge-bad">Blocked</span> : <span className="badge badge-ok">Active</span>}</td>
                <td>
                  <div className="row-actions">
                    <button type="button" className="button-small" onClick={() => onMembers(team)} aria-label={`Members of ${name}`} aria-expanded={openTeamId === team.team_id}>
                      Members
                    </button>
                    {manage ? (
                      <>
                        <button type="button" className="button-small" onClick={() => manage.onEdit(team)} aria-label={`Edit ${name}`}>
                          Edit
                        </button>
                        <button type="button" className="button-small" onClick={() => void manage.onToggleBlock(team)} aria-label={`${team.blocked ? 'Unblock' : 'Block'} ${name}`}>
                          {team.blocked ? 'Unblock' : 'Block'}
                        </button>
                        <ConfirmButton label="Delete" ariaLabel={`Delete ${name}`} question={`Delete team ${name}? Its keys are deleted with it; its members' users stay.`} onConfirm={() => manage.onDelete(team)} />
                      </>
                    ) : null}
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
