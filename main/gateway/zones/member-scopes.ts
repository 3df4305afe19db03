// What a user's key (a virtual key with a user_id) may reach on the 'scoped' management routes,
// LiteLLM's internal-user and team-admin rights: its own keys, usage and user record; the teams it
// belongs to; and, for a team it is an admin of, that team's keys, usage and members. Checked by
// the management zone's role hook and nowhere else: the query is narrowed (or refused) before the
// handler runs, and a body naming a team is checked before the handler reads it.
import type { FastifyRequest } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import type { CallerRoles } from '../../keys/caller-roles.js';

export type RouteScope = 'key-list' | 'spend-logs' | 'usage' | 'model-info' | 'team-info' | 'team-list' | 'team-members' | 'user-info' | 'key-generate' | 'key-change';

/** Who owns a key, looked up by its id or plaintext; null when no key matches. */
export type KeyOwnerLookup = (ref: string) => { userId: string | null; teamId: string | null } | null | Promise<{ userId: string | null; teamId: string | null } | null>;

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
    // /usage/summary and /usage/timeline: the same narrowing as /spend/logs, so every group_by
    // (team, user, key, app, ...) only ever sums the caller's own keys or its admin team's.
    case 'usage':
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
    case 'model-info':
      // Nothing to refuse: the handler lists only the model groups the key may call (model-routes.ts).
      return;
    case 'team-members':
    case 'key-generate':
    case 'key-change':
      // Checked on the body, once it is parsed (applyBodyScope).
      return;
  }
}

/**
 * Runs before the handler (preHandler), on the parsed body: a team named must be one the caller is
 * an admin of; a key named must be the caller's user's or belong to a team it admins; a new key is
 * made for the caller's user (or, by a team admin, for its team). A Promise only when a key had to
 * be looked up on PostgreSQL.
 */
export async function applyBodyScope(scope: RouteScope, request: FastifyRequest, roles: CallerRoles, keyOwner: KeyOwnerLookup | undefined): Promise<void> {
  // An empty POST /key/generate makes a key too: give it a body the scope can name the user in.
  if (request.body === undefined || request.body === null) request.body = {};
  const body = request.body as Record<string, unknown>;
  // Not an object: the handler's own 400 says so, and nothing is changed.
  if (typeof body !== 'object' || Array.isArray(body)) return;
  const namedTeam = body.team_id;
  const checkTeam = (message: string) => {
    if (namedTeam === undefined || namedTeam === null) return;
    if (typeof namedTeam !== 'string' || !roles.adminOf.includes(namedTeam)) throw outside(message, 'team_id');
  };
  const checkUser = () => {
    const userId = body.user_id;
    if (userId !== undefined && userId !== null && userId !== roles.userId) throw outside('Your key can make and change keys for your own user only', 'user_id');
  };
  switch (scope) {
    case 'team-members':
      // No team_id: the handler's own 400 says what is missing.
      if (namedTeam === undefined) return;
      return checkTeam('Your key can change the members of a team only where you are a team admin');
    case 'key-generate':
      checkTeam('Your key can make keys for a team only where you are a team admin');
      checkUser();
      // Without a team, the key is the caller's user's; a team admin's team key may have no user (a service account).
      if (namedTeam === undefined || namedTeam === null) body.user_id = roles.userId;
      return;
    case 'key-change': {
      checkTeam('Your key can move keys only into a team you are an admin of');
      checkUser();
      const refs = [body.key, ...(Array.isArray(body.keys) ? body.keys : []), request.params && (request.params as { key?: unknown }).key].filter((ref): ref is string => typeof ref === 'string');
      const aliases = Array.isArray(body.key_aliases) ? body.key_aliases : [];
      // By alias, only for the admin key: an alias names no owner until it is looked up, and a
      // refusal must not tell a stranger's alias from a missing one.
      if (aliases.length > 0) throw outside('Your key can delete keys by id or by key only, not by alias', 'key_aliases');
      for (const ref of refs) {
        const owner = keyOwner === undefined ? null : await keyOwner(ref);
        const mine = owner !== null && (owner.userId === roles.userId || (owner.teamId !== null && roles.adminOf.includes(owner.teamId)));
        // The same answer for another's key and for no key at all: nothing to probe.
        if (!mine) throw outside('Your key can change only your own keys, or the keys of a team you are an admin of', 'key');
      }
      return;
    }
    default:
      return;
  }
}
