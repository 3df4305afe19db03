// The Overview's per-team card: each team's spend in its current budget period (a team's spend
// restarts with each period) against its budget, soft budget marked. Shown only when teams
// exist, so a desktop without teams sees the Overview as before.
import type { ApiClient } from '../../api/create-api-client.js';
import { useApi } from '../../api/use-api.js';
import { RelativeTime } from '../../components/RelativeTime.js';
import { SpendBar } from '../../components/SpendBar.js';
import { budgetPeriodLabel } from '../teams/TeamTable.js';
import { teamName } from '../teams/team-name.js';

export interface TeamSpendProps {
  api: ApiClient;
  refreshMs: number;
  now?: () => number;
}

export function TeamSpend({ api, refreshMs, now = Date.now }: TeamSpendProps) {
  const teams = useApi(() => api.listTeams(), [api], { refreshMs });
  // Not loaded, not allowed or none: no card (the other cards carry the page).
  if (teams.data === undefined || teams.data.length === 0) return null;
  return (
    <section className="card" aria-labelledby="team-spend-title">
      <div className="card-head">
        <h2 id="team-spend-title">Spend per team, this budget period</h2>
        <a href="#/teams" className="small">
          Manage teams
        </a>
      </div>
      <ul className="team-spend-list">
        {teams.data.map((team) => (
          <li key={team.team_id}>
            <div>
              <span className="strong">{teamName(team)}</span>
              {team.blocked ? <span className="badge badge-bad">Blocked</span> : null}
              <div className="muted small">
                {budgetPeriodLabel(team.budget_duration)}
                {team.budget_reset_at !== null ? (
                  <>
                    {', next '}
                    <RelativeTime value={team.budget_reset_at} now={now} />
                  </>
                ) : null}
              </div>
            </div>
            <SpendBar spend={team.spend} maxBudget={team.max_budget} softBudget={team.soft_budget} />
          </li>
        ))}
      </ul>
    </section>
  );
}
