// LiteLLM-compatible virtual-key management: /key/generate, /key/update, /key/delete,
// /key/info, /key/list (filters: key_alias, team_id, user_id), /key/regenerate, /key/block,
// /key/unblock, in the management zone (admin only, except /key/info: a virtual key reads its own).
// A key may name its team and user (team_id, user_id; the repository checks they exist and that
// the key's models fit in the team's). Bodies are checked against the contract the dashboard uses
// (shared/api/key-schemas.ts).
// The plaintext key appears in exactly two responses: generate and regenerate.
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import { describeKey } from '../../keys/describe-key.js';
import { KeyError } from '../../keys/key-error.js';
import type { KeyStore } from '../../keys/key-repository.js';
import type { CallMode } from '../../storage/storage-connection.js';
import { parseBody } from './parse-body.js';
import { keyDeleteRequestSchema, keyFieldsSchema, keyRefRequestSchema, keyRefSchema, keyUpdateRequestSchema } from '../../../shared/api/key-schemas.js';
import { positiveIntParam, type QueryParameters } from '../plugins/query-parameters.js';

/** `keys` on SQLite or PostgreSQL: every call is awaited. */
export function registerKeyRoutes(app: FastifyInstance, keys: KeyStore<CallMode>): void {
  app.register(async (scope) => {
    scope.setErrorHandler((error, _request, reply) => {
      // Repository errors become catalogue errors; everything else goes to the root handler.
      if (error instanceof KeyError) {
        const code = error.code === 'key_not_found' ? 'not_found' : 'invalid_request';
        throw new GatewayError(code, error.message, { param: error.param });
      }
      throw error;
    });

    scope.post('/key/generate', { config: { access: 'scoped', scope: 'key-generate' } }, async (request) => {
      // Every field is optional: an empty request makes a key with no limits.
      const { key, record } = await keys.create(parseBody(keyFieldsSchema, request.body ?? {}));
      return { key, ...describeKey(record) };
    });
    scope.post('/key/update', { config: { access: 'scoped', scope: 'key-change' } }, async (request) => {
      const { key, ...fields } = parseBody(keyUpdateRequestSchema, request.body);
      return describeKey(await keys.update(key, fields));
    });
    scope.post('/key/delete', { config: { access: 'scoped', scope: 'key-change' } }, async (request) => {
      const input = parseBody(keyDeleteRequestSchema, request.body);
      if (!input.keys && !input.key_aliases) throw new GatewayError('invalid_request', 'Send {"keys": [...]} or {"key_aliases": [...]}', { param: 'keys' });
      const { deletedIds, notFound } = await keys.delete(input);
      return { deleted_keys: deletedIds, not_found: notFound };
    });
    // A virtual key reads its own info (the role hook refuses another key's): with no `key`, the caller's.
    scope.get<{ Querystring: QueryParameters }>('/key/info', { config: { access: 'own-key' } }, async (request) => {
      const caller = request.principal;
      const asked = request.query.key === undefined || request.query.key === '' ? (caller?.kind === 'virtual' ? caller.keyId : request.query.key) : request.query.key;
      const record = await keys.info(ref(asked));
      if (!record) throw new GatewayError('not_found', 'No such key');
      return { key: record.id, info: describeKey(record) };
    });
    scope.get<{ Querystring: QueryParameters }>('/key/list', { config: { access: 'scoped', scope: 'key-list' } }, async (request) => {
      const query = request.query;
      const page = await keys.list({
        page: positiveIntParam(query.page, 'page') ?? 1,
        pageSize: positiveIntParam(query.size ?? query.page_size, 'size') ?? 50,
        ...(query.key_alias ? { keyAlias: query.key_alias } : {}),
        ...(query.team_id ? { teamId: query.team_id } : {}),
        ...(query.user_id ? { userId: query.user_id } : {}),
      });
      return { keys: page.keys.map(describeKey), total_count: page.total, current_page: page.page, total_pages: page.totalPages, page_size: page.pageSize };
    });
    const regenerate = async (keyRef: string) => {
      const { key, record } = await keys.regenerate(keyRef);
      return { key, ...describeKey(record) };
    };
    scope.post('/key/regenerate', { config: { access: 'scoped', scope: 'key-change' } }, async (request) => regenerate(parseBody(keyRefRequestSchema, request.body).key));
    scope.post<{ Params: { key: string } }>('/key/:key/regenerate', { config: { access: 'scoped', scope: 'key-change' } }, async (request) => regenerate(ref(request.params.key)));
    scope.post('/key/block', { config: { access: 'scoped', scope: 'key-change' } }, async (request) => describeKey(await keys.block(parseBody(keyRefRequestSchema, request.body).key)));
    scope.post('/key/unblock', { config: { access: 'scoped', scope: 'key-change' } }, async (request) => describeKey(await keys.unblock(parseBody(keyRefRequestSchema, request.body).key)));
  });
}

/** A key reference from the query or the path, held to the body contract's rule. */
function ref(value: unknown): string {
  const parsed = keyRefSchema.safeParse(value);
  if (!parsed.success) throw new GatewayError('invalid_request', '"key" must be a key id (key_...) or the key itself', { param: 'key' });
  return parsed.data;
}
