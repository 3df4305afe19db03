// What a virtual key's user may do on the management API: its user role (LiteLLM's user_role:
// `proxy_admin` acts as the admin) and the teams it belongs to, as admin or member. Read when a key
// with a user calls a management route, never on inference; one read unit on either engine.
import { sql } from '../storage/sql-statement.js';
import { bindUnit, type StorageConnection } from '../storage/storage-connection.js';
import { all, get, readUnit } from '../storage/storage-unit.js';

export interface CallerRoles {
  userId: string;
  /** LiteLLM's user_role: proxy_admin, internal_user, ... */
  userRole: string;
  /** Teams this user is an admin of. */
  adminOf: readonly string[];
  /** Teams this user belongs to, as admin or member. */
  memberOf: readonly string[];
}

const USER_ROLE = sql('SELECT user_role FROM users WHERE id = ?');
const MEMBERSHIPS = sql('SELECT team_id, role FROM team_memberships WHERE user_id = ? ORDER BY team_id');

const rolesUnit = readUnit(function* (userId: string) {
  const user = yield* get<{ user_role: string }>(USER_ROLE, [userId]);
  if (user === undefined) return null;
  const memberships = yield* all<{ team_id: string; role: string }>(MEMBERSHIPS, [userId]);
  const roles: CallerRoles = {
    userId,
    userRole: user.user_role,
    adminOf: memberships.filter((m) => m.role === 'admin').map((m) => m.team_id),
    memberOf: memberships.map((m) => m.team_id),
  };
  return roles;
});

/** The user's roles, or null when the user no longer exists; a Promise on PostgreSQL. */
export function createCallerRoles(connection: StorageConnection): (userId: string) => CallerRoles | null | Promise<CallerRoles | null> {
  return bindUnit(connection, rolesUnit) as (userId: string) => CallerRoles | null | Promise<CallerRoles | null>;
}
