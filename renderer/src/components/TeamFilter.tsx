// The "Team" filter of Usage and Logs: all teams, or one. It reads /team/list itself and shows
// nothing while the gateway has no team (a desktop without teams sees its pages as before) or
// when the teams cannot be read.
import type { ApiClient } from '../api/create-api-client.js';
import { useApi } from '../api/use-api.js';
import { teamName } from '../pages/teams/team-name.js';

export interface TeamFilterProps {
  api: ApiClient;
  /** The chosen team's id; '' = all teams. */
  value: string;
  onChange: (teamId: string) => void;
  /** The select's id, for its label. */
  id: string;
}

export function TeamFilter({ api, value, onChange, id }: TeamFilterProps) {
  const teams = useApi(() => api.listTeams(), [api]);
  const list = teams.data ?? [];
  // A chosen team stays shown (e.g. just deleted) so the filter never silently changes.
  if (list.length === 0 && value === '') return null;
  return (
    <div className="field">
      <label htmlFor={id}>Team</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">All teams</option>
        {list.map((team) => (
          <option key={team.team_id} value={team.team_id}>
            {teamName(team)}
          </option>
        ))}
        {value !== '' && !list.some((t) => t.team_id === value) ? <option value={value}>{value}</option> : null}
      </select>
    </div>
  );
}
