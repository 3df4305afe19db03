// Contracts of what the /team/* routes answer, beyond the team description itself: the dashboard
// checks every answer against these (shapes from main/gateway/routes/team-routes.ts, LiteLLM's).
// Loose objects: a field the gateway adds later never breaks an older dashboard.
import * as z from 'zod/mini';
import { keyDescriptionSchema } from './key-schemas.js';
import { teamDescriptionSchema, teamMembershipDescriptionSchema, TEAM_MEMBER_ROLES } from './team-schemas.js';
import { userDescriptionSchema } from './user-schemas.js';

/** GET /team/list. */
export const teamListSchema = z.array(teamDescriptionSchema);

/** GET /team/info?team_id=: the team, its keys and each member's spend and budget in the team. */
export const teamInfoSchema = z.looseObject({
  team_id: z.string(),
  team_info: teamDescriptionSchema,
  keys: z.array(keyDescriptionSchema),
  team_memberships: z.array(teamMembershipDescriptionSchema),
});
export type TeamInfo = z.infer<typeof teamInfoSchema>;

/** POST /team/update. */
export const teamUpdateResultSchema = z.looseObject({ team_id: z.string(), data: teamDescriptionSchema });

/** POST /team/delete: the team's keys are deleted with it. */
export const teamDeleteResultSchema = z.looseObject({ deleted_teams: z.array(z.string()), deleted_keys: z.array(z.string()) });

/** POST /team/member_add: the team, the users added (created when they did not exist) and their memberships. */
export const teamMemberAddResultSchema = z.extend(teamDescriptionSchema, {
  updated_users: z.array(userDescriptionSchema),
  updated_team_memberships: z.array(teamMembershipDescriptionSchema),
});

/** POST /team/member_update. */
export const teamMemberUpdateResultSchema = z.looseObject({
  team_id: z.string(),
  user_id: z.string(),
  user_email: z.nullable(z.string()),
  role: z.enum(TEAM_MEMBER_ROLES),
  max_budget_in_team: z.nullable(z.number()),
});
