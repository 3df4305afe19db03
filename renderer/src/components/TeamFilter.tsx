// The "Team" filter of Usage and Logs: all teams, or one. For the admin it reads /team/list itself
// and shows nothing while the gateway has no team (a desktop without teams sees its pages as
// before) or when the teams cannot be read. A member's session passes the teams it admins
// (`memberTeams`): the choice is then its own usage (the default) or one of those teams', the
// only ones the gateway lets it read; a member who admins no team sees no filter.
import type { ApiClient } from '../api/create-api-client.js';
import { useApi } from '../api/use-api.js';
import { teamName } from '../pages/teams/team-name.js';
import type { ViewerTeam } from '../session/viewer.js';

export interface TeamFilterProps {
  api: ApiClient;
  /** The chosen team's id; '' = all teams (a member: its own). */
  value: string;
  onChange: (teamId: string) => void;
  /** The select's id, for its label. */
  id: string;
  /** A member's session: the teams it admins (undefined for the admin). */
  memberTeams?: readonly ViewerTeam[];
}

export function TeamFilter({ api, value, onChange, id, memberTeams }: TeamFilterProps) {
  // A member's teams come with its session: no /team/list call (it would list teams it may only read).
  const teams = useApi(() => (memberTeams === undefined ? api.listTeams() : Promise.resolve([])), [api, memberTeams === undefined]);
  const list = memberTeams ?? (teams.data ?? []).map((team) => ({ teamId: team.team_id, name: teamName(team) }));
  // A chosen team stays shown (e.g. just deleted) so the filter never silently changes.
  if (list.length === 0 && value === '') return null;
  return (
    <div className="field">
      <label htmlFor={id}>Team</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{memberTeams === undefined ? 'All teams' : 'Only yours'}</option>
        {list.map((team) => (
          <option key={team.teamId} value={team.teamId}>
            {team.name}
          </option>
        ))}
        {value !== '' && !list.some((t) => t.teamId === value) ? <option value={value}>{value}</option> : null}
      </select>
    </div>
  );
}
