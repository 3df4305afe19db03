// A member's Overview: who signed in, its own budget, its teams (its role, each team's spend
// against the team's budget), its keys, and what its keys spent today and this week. Everything
// comes from calls the gateway narrows to the member (/user/info, /usage/summary), so nothing of
// another user's reaches this page. Refreshes every 2 s while visible, like the admin's.
import type { ApiClient } from '../../api/create-api-client.js';
import { useApi } from '../../api/use-api.js';
import type { PageId } from '../../app/use-hash-route.js';
import { LoadState } from '../../components/LoadState.js';
import { StatTile } from '../../components/StatTile.js';
import { TableWrap } from '../../components/TableWrap.js';
import { formatUsd } from '../../../../shared/format-usd.js';
import { formatCount } from '../../format/format-count.js';
import { DAY_MS, startOfLocalDay } from './time-ranges.js';
import { adminOfTeams, memberViewer } from '../../session/viewer.js';
import { budgetLine } from './budget-line.js';

export interface MemberOverviewPageProps {
  api: ApiClient;
  go: (page: PageId) => void;
  now?: () => number;
}

const REFRESH_MS = 2_000;

export function MemberOverviewPage({ api, go, now = Date.now }: MemberOverviewPageProps) {
  const user = useApi(() => api.ownUser(), [api], { refreshMs: REFRESH_MS });
  const today = useApi(() => {
    const end = now();
    return api.usageSummary('key', startOfLocalDay(end), end);
  }, [api], { refreshMs: REFRESH_MS });
  const week = useApi(() => {
    const end = now();
    return api.usageSummary('key', end - 7 * DAY_MS, end);
  }, [api], { refreshMs: REFRESH_MS });

  return (
    <div className="stack">
      <div className="grid-status">
        <section className="card" aria-labelledby="you-title">
          <h2 id="you-title">You</h2>
          <LoadState loadable={user} label="your account">
            {(info) => (
              <dl className="facts">
                <dt>User</dt>
                <dd>{info.user_info.user_email ?? info.user_id}</dd>
                <dt>Budget</dt>
                <dd>{budgetLine(info.user_info.spend, info.user_info.max_budget, info.user_info.budget_duration)}</dd>
                <dt>Your keys</dt>
                <dd>
                  {info.keys.length}{' '}
                  <button type="button" className="link-button" onClick={() => go('keys')}>
                    Manage your keys
                  </button>
                </dd>
              </dl>
            )}
          </LoadState>
        </section>
        <section className="card" aria-labelledby="member-today-title">
          <h2 id="member-today-title">Your usage</h2>
          <LoadState loadable={today} label="today's usage">
            {(summary) => (
              <div className="stats">
                <StatTile label="Requests today" value={formatCount(summary.totals.requests)} />
                <StatTile label="Spend today" value={formatUsd(summary.totals.spend_micros)} />
                <StatTile label="Spend, last 7 days" value={week.data ? formatUsd(week.data.totals.spend_micros) : '…'} />
                <StatTile label="Errors today" value={formatCount(summary.totals.errors)} tone={summary.totals.errors > 0 ? 'bad' : 'normal'} />
              </div>
            )}
          </LoadState>
        </section>
      </div>

      <section className="card" aria-labelledby="teams-title">
        <h2 id="teams-title">Your teams</h2>
        <LoadState
          loadable={user}
          label="your teams"
          isEmpty={(info) => info.teams.length === 0}
          empty={<p>You are in no team. Your keys spend against your own budget.</p>}
        >
          {(info) => {
            const adminOf = new Set(adminOfTeams(memberViewer(info)).map((team) => team.teamId));
            return (
              <TableWrap label="Your teams">
                <table className="table">
                  <caption className="visually-hidden">The teams you belong to</caption>
                  <thead>
                    <tr>
                      <th scope="col">Team</th>
                      <th scope="col">Your role</th>
                      <th scope="col">Team spend</th>
                      <th scope="col">Models</th>
                    </tr>
                  </thead>
                  <tbody>
                    {info.teams.map((team) => (
                      <tr key={team.team_id}>
                        <th scope="row">{team.team_alias ?? team.team_id}</th>
                        <td>{adminOf.has(team.team_id) ? 'Team admin' : 'Member'}</td>
                        <td>{budgetLine(team.spend, team.max_budget, team.budget_duration)}</td>
                        <td className="small">{team.models.length === 0 ? 'All models' : team.models.join(', ')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            );
          }}
        </LoadState>
      </section>
    </div>
  );
}
