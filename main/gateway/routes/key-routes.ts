// LiteLLM-compatible virtual-key management: /key/generate, /key/update, /key/delete,
// /key/info, /key/list, /key/regenerate, /key/block, /key/unblock, in the management zone (admin
// only). The plaintext key appears in exactly two responses: generate and regenerate.
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import { describeKey } from '../../keys/describe-key.js';
import { KeyError } from '../../keys/key-error.js';
import type { KeyFields, KeyRepository } from '../../keys/key-repository.js';
import type { QueryParameters } from '../plugins/reject-repeated-query.js';

export function registerKeyRoutes(app: FastifyInstance, keys: KeyRepository): void {
  app.register(async (scope) => {
    scope.setErrorHandler((error, _request, reply) => {
      // Repository errors become catalogue errors; everything else goes to the root handler.
      if (error instanceof KeyError) {
        const code = error.code === 'key_not_found' ? 'not_found' : 'invalid_request';
        throw new GatewayError(code, error.message, { param: error.param });
      }
      throw error;
    });

    scope.post('/key/generate', async (request) => {
      const { key, record } = keys.create(fields(request.body));
      return { key, ...describeKey(record) };
    });
    scope.post('/key/update', async (request) => {
      const body = object(request.body);
      return describeKey(keys.update(ref(body.key), fields(body)));
    });
    scope.post('/key/delete', async (request) => {
      const body = object(request.body);
      const input: { keys?: string[]; key_aliases?: string[] } = {};
      if (body.keys !== undefined) input.keys = stringList(body.keys, 'keys');
      if (body.key_aliases !== undefined) input.key_aliases = stringList(body.key_aliases, 'key_aliases');
      if (!input.keys && !input.key_aliases) throw new GatewayError('invalid_request', 'Send {"keys": [...]} or {"key_aliases": [...]}', { param: 'keys' });
      const { deletedIds, notFound } = keys.delete(input);
      return { deleted_keys: deletedIds, not_found: notFound };
    });
    scope.get<{ Querystring: QueryParameters }>('/key/info', async (request) => {
      const record = keys.info(ref(request.query.key));
      if (!record) throw new GatewayError('not_found', 'No such key');
      return { key: record.id, info: describeKey(record) };
    });
    scope.get<{ Querystring: QueryParameters }>('/key/list', async (request) => {
      const query = request.query;
      const page = keys.list({
        page: positiveInt(query.page, 'page') ?? 1,
        pageSize: positiveInt(query.size ?? query.page_size, 'size') ?? 50,
        ...(query.key_alias ? { keyAlias: query.key_alias } : {}),
      });
      return { keys: page.keys.map(describeKey), total_count: page.total, current_page: page.page, total_pages: page.totalPages, page_size: page.pageSize };
    });
    const regenerate = async (keyRef: unknown) => {
      const { key, record } = keys.regenerate(ref(keyRef));
      return { key, ...describeKey(record) };
    };
    scope.post('/key/regenerate', async (request) => regenerate(object(request.body).key));
    scope.post('/key/:key/regenerate', async (request) => regenerate((request.params as { key: string }).key));
    scope.post('/key/block', async (request) => describeKey(keys.block(ref(object(request.body).key))));
    scope.post('/key/unblock', async (request) => describeKey(keys.unblock(ref(object(request.body).key))));
  });
}

function object(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new GatewayError('invalid_request', 'The request body must be a JSON object');
  return body as Record<string, unknown>;
}

function ref(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 512) throw new GatewayError('invalid_request', '"key" must be a key id (key_...) or the key itself', { param: 'key' });
  return value;
}

function stringList(value: unknown, param: string): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new GatewayError('invalid_request', `${param} must be a list of strings`, { param });
  return value as string[];
}

function positiveInt(value: string | undefined, param: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new GatewayError('invalid_request', `${param} must be a positive integer`, { param });
  return n;
}

/** LiteLLM's key fields; the repository validates values and names the bad field. */
function fields(body: unknown): KeyFields {
  const input = body === undefined || body === null ? {} : object(body);
  const allowed: (keyof KeyFields)[] = [
    'key_alias', 'models', 'max_budget', 'budget_duration', 'rpm_limit', 'tpm_limit', 'max_parallel_requests', 'duration', 'expires', 'metadata', 'blocked',
  ];
  const out: Record<string, unknown> = {};
  for (const name of allowed) if (name in input) out[name] = input[name];
  return out as KeyFields;
}
