// LiteLLM-compatible user management: /user/new, /user/update, /user/delete, /user/info,
// /user/list, in the management zone with the default access of an admin route. Names, fields and
// response shapes are LiteLLM's; bodies are checked against shared/api/user-schemas.ts, which
// refuses a field Switchboard does not support by name. /user/new also makes a key owned by the
// user unless auto_create_key is false (LiteLLM's default); that key is shown once, here.
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import { describeKey } from '../../keys/describe-key.js';
import type { KeyStore } from '../../keys/key-repository.js';
import { describeTeam } from '../../keys/describe-team.js';
import type { TeamStore } from '../../keys/team-repository.js';
import { shownId } from '../../keys/shown-id.js';
import { describeUser } from '../../keys/describe-user.js';
import type { UserStore } from '../../keys/user-repository.js';
import type { CallMode } from '../../storage/storage-connection.js';
import { parseBody } from './parse-body.js';
import { ownerErrorHandler } from './owner-error-handler.js';
import { allKeys } from './team-routes.js';
import { positiveIntParam, type QueryParameters } from '../plugins/query-parameters.js';
import { USER_ROLES, userDeleteRequestSchema, userNewRequestSchema, userUpdateRequestSchema, type UserRole } from '../../../shared/api/user-schemas.js';

export interface UserRouteDeps {
  users: UserStore<CallMode>;
  teams: TeamStore<CallMode>;
  keys: KeyStore<CallMode>;
  /**
   * Writes the queued usage rows first (a Promise on PostgreSQL): team, member and user spend is
   * charged when a request's row is written, so a read right after a request must flush.
   */
  beforeRead?: () => unknown;
}

export function registerUserRoutes(app: FastifyInstance, deps: UserRouteDeps): void {
  const { users, teams, keys } = deps;
  app.register(async (scope) => {
    scope.setErrorHandler(ownerErrorHandler);
    // Every answer here shows spend (a team's, a member's, a user's, their keys'): settled first.
    scope.addHook('preHandler', async () => {
      await deps.beforeRead?.();
    });

    scope.post('/user/new', async (request) => {
      const { auto_create_key, ...fields } = parseBody(userNewRequestSchema, request.body ?? {});
      const user = await users.create(fields);
      if (auto_create_key === false) return { ...describeUser(user), key: null };
      // A second unit: if it failed the user would stay without its key, which /key/generate can add.
      const { key, record } = await keys.create({ user_id: user.id });
      return { ...describeUser(user), key, token: record.id, key_id: record.id, key_name: describeKey(record).key_name };
    });
    scope.post('/user/update', async (request) => {
      const { user_id, ...fields } = parseBody(userUpdateRequestSchema, request.body);
      if (user_id === undefined && fields.user_email === undefined) throw new GatewayError('invalid_request', 'Send user_id (or user_email) naming the user', { param: 'user_id' });
      // Without a user_id, user_email names the user (LiteLLM's rule) rather than changing it.
      const user = user_id !== undefined ? await users.update({ user_id }, fields) : await users.update({ user_email: fields.user_email! }, { ...fields, user_email: undefined });
      return { user_id: user.id, data: describeUser(user) };
    });
    scope.post('/user/delete', async (request) => {
      const { deletedUserIds, deletedKeyIds, notFound } = await users.delete(parseBody(userDeleteRequestSchema, request.body).user_ids);
      return { deleted_users: deletedUserIds, deleted_keys: deletedKeyIds, not_found: notFound };
    });
    scope.get<{ Querystring: QueryParameters }>('/user/info', { config: { access: 'scoped', scope: 'user-info' } }, async (request) => {
      const userId = request.query.user_id;
      if (!userId) throw new GatewayError('invalid_request', 'Send ?user_id= naming the user', { param: 'user_id' });
      const user = await users.info(userId);
      if (!user) throw new GatewayError('not_found', `No user with user_id ${shownId(userId)}`, { param: 'user_id' });
      return { user_id: user.id, user_info: describeUser(user), keys: await allKeys(keys, { userId: user.id }), teams: (await teams.list({ userId: user.id })).map(describeTeam) };
    });
    scope.get<{ Querystring: QueryParameters }>('/user/list', async (request) => {
      const q = request.query;
      const role = q.role ?? q.user_role;
      if (role !== undefined && !(USER_ROLES as readonly string[]).includes(role)) throw new GatewayError('invalid_request', `role must be one of ${USER_ROLES.join(', ')}`, { param: 'role' });
      const page = await users.list({
        page: positiveIntParam(q.page, 'page') ?? 1,
        pageSize: positiveIntParam(q.page_size ?? q.size, 'page_size') ?? 50,
        ...(role !== undefined ? { role: role as UserRole } : {}),
      });
      return { users: page.users.map(describeUser), total: page.total, page: page.page, page_size: page.pageSize, total_pages: page.totalPages };
    });
  });
}
