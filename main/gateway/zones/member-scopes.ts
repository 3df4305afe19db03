// What a user's key (a virtual key with a user_id) may reach on the 'scoped' management routes,
// LiteLLM's internal-user and team-admin rights: its own keys, usage and user record; the teams it
// belongs to; and, for a team it is an admin of, that team's keys, usage and members. Checked by
// the management zone's role hook and nowhere else: the query is narrowed (or refused) before the
// handler runs, and a body naming a team is checked before the handler reads it.
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import type { CallerRoles } from '../../keys/caller-roles.js';

export type RouteScope = 'key-list' | 'spend-logs' | 'team-info' | 'team-list' | 'team-members' | 'user-info';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set for a user's key admitted to a 'scoped' route: the roles its scope was checked against. */
    callerRoles?: CallerRoles;
  }
}

type Query = Record<string, unknown>;

function outside(message: string, param: string): GatewayError {
  return new GatewayError('outside_your_scope', message, { param });
}

/**
 * Your own keys or usage by default; with `team_id`, a team you are an admin of (all its keys or
 * usage). Naming another user is refused.
 */
function ownOrAdminTeam(query: Query, roles: CallerRoles, what: string): void {
  const teamId = query.team_id;
  if (typeof teamId === 'string' && teamId !== '') {
    if (!roles.adminOf.includes(teamId)) throw outside(`Your key can list ${what} of a team only where you are a team admin`, 'team_id');
    return;
  }
  const userId = query.user_id;
  if (userId !== undefined && userId !== '' && userId !== roles.userId) throw outside(`Your key can list only your own ${what}`, 'user_id');
  query.user_id = roles.userId;
}

/** Runs in the role hook (onRequest): narrows the query to the caller's scope or refuses. */
export function applyQueryScope(scope: RouteScope, request: FastifyRequest, roles: CallerRoles): void {
  const query = request.query as Query;
  switch (scope) {
    case 'key-list':
      return ownOrAdminTeam(query, roles, 'keys');
    case 'spend-logs':
      return ownOrAdminTeam(query, roles, 'usage');
    case 'team-info': {
      const teamId = query.team_id;
      // A missing team_id gets the route's own 400; another team the same 403 whether or not it exists.
      if (typeof teamId === 'string' && teamId !== '' && !roles.memberOf.includes(teamId)) throw outside('Your key can read only the teams you belong to', 'team_id');
      return;
    }
    case 'team-list':
      if (query.user_id !== undefined && query.user_id !== '' && query.user_id !== roles.userId) throw outside('Your key can list only your own teams', 'user_id');
      query.user_id = roles.userId;
      return;
    case 'user-info':
      if (query.user_id !== undefined && query.user_id !== '' && query.user_id !== roles.userId) throw outside('Your key can read only your own user', 'user_id');
      query.user_id = roles.userId;
      return;
    case 'team-members':
      // Checked on the body, once it is parsed (applyBodyScope).
      return;
  }
}

/** Runs before the handler (preHandler): a body naming a team must name one the caller is an admin of. */
export function applyBodyScope(scope: RouteScope, request: FastifyRequest, roles: CallerRoles): void {
  if (scope !== 'team-members') return;
  const teamId = (request.body as { team_id?: unknown } | null | undefined)?.team_id;
  // No team_id: the handler's own 400 says what is missing.
  if (teamId === undefined) return;
  if (typeof teamId !== 'string' || !roles.adminOf.includes(teamId)) throw outside('Your key can change the members of a team only where you are a team admin', 'team_id');
}
