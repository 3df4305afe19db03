// LiteLLM-compatible team management: /team/new, /team/update, /team/delete, /team/info,
// /team/list, /team/block, /team/unblock, /team/member_add, /team/member_update,
// /team/member_delete, in the management zone with the default access of an admin route. Names,
// fields and response shapes are LiteLLM's; bodies are checked against shared/api/team-schemas.ts,
// which refuses a field Switchboard does not support by name. Budgets are in USD on the wire.
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import { describeKey, type KeyDescription } from '../../keys/describe-key.js';
import { MAX_KEY_LIST_PAGE_SIZE, type KeyStore } from '../../keys/key-repository.js';
import { describeMembership, describeTeam, storedRole } from '../../keys/describe-team.js';
import type { MemberInput, TeamStore } from '../../keys/team-repository.js';
import { shownId } from '../../keys/shown-id.js';
import { describeUser } from '../../keys/describe-user.js';
import type { UserStore } from '../../keys/user-repository.js';
import type { CallMode } from '../../storage/storage-connection.js';
import { parseBody } from './parse-body.js';
import { ownerErrorHandler } from './owner-error-handler.js';
import type { QueryParameters } from '../plugins/query-parameters.js';
import {
  teamDeleteRequestSchema, teamMemberAddRequestSchema, teamMemberDeleteRequestSchema, teamMemberUpdateRequestSchema,
  teamNewRequestSchema, teamRefRequestSchema, teamUpdateRequestSchema, withMemberList,
} from '../../../shared/api/team-schemas.js';

export interface TeamRouteDeps {
  teams: TeamStore<CallMode>;
  users: UserStore<CallMode>;
  keys: KeyStore<CallMode>;
  /**
   * Writes the queued usage rows first (a Promise on PostgreSQL): team, member and user spend is
   * charged when a request's row is written, so a read right after a request must flush.
   */
  beforeRead?: () => unknown;
}

export function registerTeamRoutes(app: FastifyInstance, deps: TeamRouteDeps): void {
  const { teams, users, keys } = deps;
  app.register(async (scope) => {
    scope.setErrorHandler(ownerErrorHandler);
    // Every answer here shows spend (a team's, a member's, a user's, their keys'): settled first.
    scope.addHook('preHandler', async () => {
      await deps.beforeRead?.();
    });

    scope.post('/team/new', async (request) => {
      const { members_with_roles, ...fields } = parseBody(teamNewRequestSchema, request.body ?? {});
      return describeTeam(await teams.create({ ...fields, ...(members_with_roles ? { members: members_with_roles.map(toMemberInput) } : {}) }));
    });
    scope.post('/team/update', async (request) => {
      const { team_id, ...fields } = parseBody(teamUpdateRequestSchema, request.body);
      return { team_id, data: describeTeam(await teams.update(team_id, fields)) };
    });
    scope.post('/team/delete', async (request) => {
      const { team_ids } = parseBody(teamDeleteRequestSchema, request.body);
      const { deletedTeamIds, deletedKeyIds } = await teams.delete(team_ids);
      return { deleted_teams: deletedTeamIds, deleted_keys: deletedKeyIds };
    });
    scope.get<{ Querystring: QueryParameters }>('/team/info', { config: { access: 'scoped', scope: 'team-info' } }, async (request) => {
      const teamId = request.query.team_id;
      if (!teamId) throw new GatewayError('invalid_request', 'Send ?team_id= naming the team', { param: 'team_id' });
      const team = await teams.info(teamId);
      if (!team) throw new GatewayError('not_found', `No team with team_id ${shownId(teamId)}`, { param: 'team_id' });
      return {
        team_id: team.id,
        team_info: describeTeam(team),
        keys: await allKeys(keys, { teamId: team.id }),
        team_memberships: team.members.map((m) => describeMembership(team.id, m)),
      };
    });
    scope.get<{ Querystring: QueryParameters }>('/team/list', { config: { access: 'scoped', scope: 'team-list' } }, async (request) => {
      const userId = request.query.user_id;
      return (await teams.list(userId ? { userId } : {})).map(describeTeam);
    });
    scope.post('/team/block', async (request) => describeTeam(await teams.block(parseBody(teamRefRequestSchema, request.body).team_id)));
    scope.post('/team/unblock', async (request) => describeTeam(await teams.unblock(parseBody(teamRefRequestSchema, request.body).team_id)));

    scope.post('/team/member_add', { config: { access: 'scoped', scope: 'team-members' } }, async (request) => {
      const body = parseBody(teamMemberAddRequestSchema, withMemberList(request.body));
      const members = body.member.map(toMemberInput);
      const { team, addedUserIds } = await teams.addMembers(body.team_id, members, body.max_budget_in_team === undefined ? {} : { maxBudgetInTeam: body.max_budget_in_team });
      const updatedUsers = [];
      for (const userId of addedUserIds) {
        const user = await users.info(userId);
        if (user) updatedUsers.push(describeUser(user));
      }
      return {
        ...describeTeam(team),
        updated_users: updatedUsers,
        updated_team_memberships: team.members.filter((m) => addedUserIds.includes(m.userId)).map((m) => describeMembership(team.id, m)),
      };
    });
    scope.post('/team/member_update', { config: { access: 'scoped', scope: 'team-members' } }, async (request) => {
      const body = parseBody(teamMemberUpdateRequestSchema, request.body);
      const member = await teams.updateMember(body.team_id, memberRef(body), {
        ...(body.role ? { role: storedRole(body.role) } : {}),
        ...(body.max_budget_in_team !== undefined ? { maxBudgetInTeam: body.max_budget_in_team } : {}),
      });
      return { team_id: body.team_id, user_id: member.userId, user_email: member.userEmail, role: body.role ?? (member.role === 'admin' ? 'admin' : 'user'), max_budget_in_team: member.maxBudgetInTeamMicros === null ? null : member.maxBudgetInTeamMicros / 1_000_000 };
    });
    scope.post('/team/member_delete', { config: { access: 'scoped', scope: 'team-members' } }, async (request) => {
      const body = parseBody(teamMemberDeleteRequestSchema, request.body);
      return describeTeam(await teams.removeMember(body.team_id, memberRef(body)));
    });
  });
}

function toMemberInput(member: { role?: 'admin' | 'user' | undefined; user_id?: string | undefined; user_email?: string | undefined }): MemberInput {
  if (member.user_id === undefined && member.user_email === undefined) throw new GatewayError('invalid_request', 'A member needs a user_id or a user_email', { param: 'member' });
  return {
    ...(member.user_id !== undefined ? { user_id: member.user_id } : {}),
    ...(member.user_email !== undefined ? { user_email: member.user_email } : {}),
    role: storedRole(member.role ?? 'user'),
  };
}

function memberRef(body: { user_id?: string | undefined; user_email?: string | undefined }): { user_id?: string; user_email?: string } {
  if (body.user_id !== undefined) return { user_id: body.user_id };
  if (body.user_email !== undefined) return { user_email: body.user_email };
  throw new GatewayError('invalid_request', 'Send user_id or user_email naming the member', { param: 'user_id' });
}

/** Every key matching the filter, page by page (a team or user holds few keys). */
export async function allKeys(keys: KeyStore<CallMode>, filter: { teamId?: string; userId?: string }): Promise<KeyDescription[]> {
  const described: KeyDescription[] = [];
  for (let page = 1; ; page++) {
    const result = await keys.list({ ...filter, page, pageSize: MAX_KEY_LIST_PAGE_SIZE });
    described.push(...result.keys.map(describeKey));
    if (page >= result.totalPages) return described;
  }
}
