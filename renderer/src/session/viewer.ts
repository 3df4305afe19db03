// Who is signed in to the dashboard, and so what it shows: the admin (the admin key, open mode, or
// a proxy_admin user's key) sees everything; a member (a key made for a user) sees its own keys,
// usage and logs, the models it may call (read-only) and its teams. The gateway enforces the same
// rules on every call (README "Who may call what"); this only keeps the dashboard from offering
// what would be refused.
import type { UserInfo } from '../../../shared/api/user-schemas.js';

export interface ViewerTeam {
  teamId: string;
  /** The team's alias, else its id. */
  name: string;
  /** A team admin manages the team's keys and members and sees its usage. */
  admin: boolean;
}

export type Viewer =
  | { role: 'admin' }
  | {
      role: 'member';
      userId: string;
      /** The user's email, else its id: how the header names who signed in. */
      name: string;
      teams: ViewerTeam[];
    };

export const ADMIN_VIEWER: Viewer = { role: 'admin' };

/** The member a user's own `/user/info` describes: its teams, and in which it is an admin. */
export function memberViewer(info: UserInfo): Viewer {
  const teams = info.teams.map((team) => ({
    teamId: team.team_id,
    name: team.team_alias ?? team.team_id,
    admin: team.members_with_roles.some((member) => member.user_id === info.user_id && member.role === 'admin'),
  }));
  return { role: 'member', userId: info.user_id, name: info.user_info.user_email ?? info.user_id, teams };
}

/** The teams whose keys, members and usage this viewer manages (none for a plain member). */
export function adminOfTeams(viewer: Viewer): ViewerTeam[] {
  return viewer.role === 'member' ? viewer.teams.filter((team) => team.admin) : [];
}
