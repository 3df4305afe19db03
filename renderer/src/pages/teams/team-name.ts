// How a team is named on screen: its alias, or its id when it has none (LiteLLM allows that).
import type { TeamDescription } from '../../../../shared/api/team-schemas.js';

export function teamName(team: Pick<TeamDescription, 'team_id' | 'team_alias'>): string {
  return team.team_alias ?? team.team_id;
}
