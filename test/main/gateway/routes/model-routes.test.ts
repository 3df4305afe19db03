// The model management API over app.inject with a real SQLite file: LiteLLM-shaped /model/new,
// /model/update, /model/delete, /model/info and /v2/model/info; changes served at once and after
// a restart; config-file models read-only; provider keys only ever as references; admin only.
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../main/config/load-config.js';
import { createServer, type Gateway } from '../../../../main/gateway/create-server.js';
import type { VirtualKeyLookup } from '../../../../main/keys/virtual-key-lookup.js';
import { createModelRepository } from '../../../../main/storage/model-repository.js';
import { modelInfoEntrySchema, modelInfoListSchema } from '../../../../shared/api/model-schemas.js';
import { openTempDatabase, type TempDatabase } from '../../storage/storage-test-kit.js';

const MASTER = 'sk-master-model-routes-0123456789';
const APP_KEY = 'sk-app-model-routes-0123456789';
const YAML = `model_list:
  - model_name: local
    litellm_params: { model: ollama_chat/llama3.2, api_base: "http://127.0.0.1:9" }
    model_info: { id: local-1 }
`;
const virtualKeys: VirtualKeyLookup = {
  verify: (k) => (k === APP_KEY ? { kind: 'virtual', keyId: 'k1', alias: 'app', models: [], rpmLimit: null, tpmLimit: null, maxParallelRequests: null, hasBudget: false } : undefined),
};

const open: { db: TempDatabase[]; gateways: Gateway[] } = { db: [], gateways: [] };
afterEach(async () => {
  for (const g of open.gateways.splice(0)) await g.close();
  for (const d of open.db.splice(0)) d.dispose();
});

async function start(options: { db?: TempDatabase; env?: NodeJS.ProcessEnv; logs?: string[] } = {}) {
  const db = options.db ?? openTempDatabase();
  if (!options.db) open.db.push(db);
  const logs = options.logs ?? [];
  const log = pino({ level: 'warn' }, { write: (line: string) => void logs.push(line) });
  const gateway = await createServer({
    config: parseConfigText(YAML, '/home/me/config.yaml', {}), log, masterKey: MASTER, virtualKeys, port: 80,
    models: { store: createModelRepository(db.db, db.clock), env: options.env ?? { OPENAI_KEY: 'sk-from-env' } },
  });
  open.gateways.push(gateway);
  return { gateway, db };
}

const send = (g: Gateway, method: 'GET' | 'POST', url: string, payload?: unknown, key = MASTER) =>
  g.app.inject({ method, url, headers: { authorization: `Bearer ${key}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) }, ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }) });

const NEW_MODEL = {
  model_name: 'smart',
  litellm_params: { model: 'openai/gpt-4o-mini', api_key: 'os.environ/OPENAI_KEY' },
  model_info: { id: 'smart-1', input_cost_per_token: 0.00000015, output_cost_per_token: 0.0000006 },
};

describe('model routes', () => {
  it('adds a model that is served at once, in the LiteLLM entry shape', async () => {
    const { gateway } = await start();
    const res = await send(gateway, 'POST', '/model/new', NEW_MODEL);
    expect(res.statusCode).toBe(200);
    const entry = modelInfoEntrySchema.parse(res.json());
    expect(entry).toMatchObject({
      model_name: 'smart',
      litellm_params: { model: 'openai/gpt-4o-mini', api_base: 'https://api.openai.com/v1', api_key: 'os.environ/OPENAI_KEY' },
      model_info: { id: 'smart-1', db_model: true, source: 'database', source_file: null, provider: 'openai', credential: 'env', input_cost_per_token: 0.00000015, output_cost_per_token: 0.0000006 },
    });
    const group = gateway.router().resolve('smart');
    expect(group?.deployments.map((d) => [d.id, d.pricing.inputCostPerToken])).toEqual([['smart-1', 0.00000015]]);
    expect(gateway.router().resolve('local')?.deployments).toHaveLength(1);
  });

  it('stores supports_responses for a dashboard model, serves it at once and shows it in /model/info', async () => {
    const { gateway } = await start();
    const res = await send(gateway, 'POST', '/model/new', {
      model_name: 'vllm-responses', litellm_params: { model: 'hosted_vllm/qwen3', api_base: 'http://127.0.0.1:8000/v1', supports_responses: true }, model_info: { id: 'vr-1' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ litellm_params: { supports_responses: true } });
    expect(gateway.router().resolve('vllm-responses')?.deployments[0]?.supportsResponses).toBe(true);
    const off = await send(gateway, 'POST', '/model/update', { model_info: { id: 'vr-1' }, litellm_params: { supports_responses: null } });
    expect(off.statusCode).toBe(200);
    expect(off.json().litellm_params.supports_responses).toBeUndefined();
    expect(gateway.router().resolve('vllm-responses')?.deployments[0]?.supportsResponses).toBeUndefined();
    const bad = await send(gateway, 'POST', '/model/new', { model_name: 'x', litellm_params: { model: 'hosted_vllm/q', supports_responses: 'yes' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.param).toBe('litellm_params.supports_responses');
  });

  it('gives a model without an id a generated one', async () => {
    const { gateway } = await start();
    const res = await send(gateway, 'POST', '/model/new', { model_name: 'x', litellm_params: { model: 'ollama_chat/qwen3', api_base: 'http://127.0.0.1:11434' } });
    expect(res.json().model_info.id).toMatch(/^model-[0-9a-f-]{36}$/);
  });

  it('keeps dashboard models across a restart, after the config file models', async () => {
    const db = openTempDatabase();
    open.db.push(db);
    const first = await start({ db });
    await send(first.gateway, 'POST', '/model/new', NEW_MODEL);
    await first.gateway.close();
    const second = await start({ db });
    const list = modelInfoListSchema.parse((await send(second.gateway, 'GET', '/model/info')).json());
    expect(list.data.map((e) => [e.model_info.id, e.model_info.source])).toEqual([['local-1', 'config'], ['smart-1', 'database']]);
  });

  it('lists config-file models as read-only with their file', async () => {
    const { gateway } = await start();
    const [entry] = modelInfoListSchema.parse((await send(gateway, 'GET', '/model/info')).json()).data;
    expect(entry!.model_info).toMatchObject({ id: 'local-1', db_model: false, source: 'config', source_file: '/home/me/config.yaml', credential: 'none' });
  });

  it.each([
    ['/model/update', { model_info: { id: 'local-1' }, model_name: 'renamed' }],
    ['/model/delete', { id: 'local-1' }],
  ])('refuses %s on a config-file model, naming the file', async (url, body) => {
    const { gateway } = await start();
    const res = await send(gateway, 'POST', url, body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('/home/me/config.yaml');
    expect(gateway.router().resolve('local')?.deployments[0]?.id).toBe('local-1');
  });

  it('refuses a literal provider key without storing or echoing it', async () => {
    const { gateway, db } = await start();
    const res = await send(gateway, 'POST', '/model/new', { ...NEW_MODEL, litellm_params: { model: 'openai/gpt-4o', api_key: 'sk-live-secret-123456' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.param).toBe('litellm_params.api_key');
    expect(res.body).not.toContain('sk-live-secret');
    expect(res.json().error.message).toContain('os.environ/NAME or keychain/NAME');
    expect(db.db.prepare('SELECT count(*) AS n FROM models').get()).toEqual({ n: 0 });
  });

  it.each([
    [{ model_name: 'x', litellm_params: { model: 'nope/model' } }, 'unknown provider "nope"'],
    [{ model_name: 'x', litellm_params: { model: 'azure/dep', api_key: 'keychain/az' } }, 'api_base is required'],
    [{ model_name: 'x', litellm_params: { model: 'openai/x', api_key: 'os.environ/UNSET_VAR' } }, 'UNSET_VAR is not set'],
    [{ model_name: 'x', litellm_params: { model: 'no-slash' } }, 'litellm_params.model: must be "provider/model"'],
    [{ model_name: 'x', litellm_params: { model: 'openai/x', api_base: 'ftp://h' } }, 'litellm_params.api_base: must be an absolute http(s) URL'],
    [{ model_name: 'x', litellm_params: { model: 'openai/x', api_base: 'http://u:p@h/v1' } }, 'must not contain credentials'],
    [{ model_name: 'x', litellm_params: { model: 'openai/x', routing: 1 } }, 'litellm_params: unknown field "routing"'],
    [{ model_name: '', litellm_params: { model: 'openai/x' } }, 'model_name: must be at least 1 characters'],
    [{ model_name: 'x', litellm_params: { model: 'openai/x' }, model_info: { input_cost_per_token: -1 } }, 'model_info.input_cost_per_token: must be at least 0'],
  ])('refuses %j with a 400 naming the problem', async (body, message) => {
    const { gateway } = await start();
    const res = await send(gateway, 'POST', '/model/new', body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain(message);
  });

  it('refuses an id that is already taken', async () => {
    const { gateway } = await start();
    const res = await send(gateway, 'POST', '/model/new', { ...NEW_MODEL, model_info: { id: 'local-1' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('already exists');
  });

  it('updates a model: given fields replace, null removes, others stay; served at once', async () => {
    const { gateway } = await start();
    await send(gateway, 'POST', '/model/new', NEW_MODEL);
    const res = await send(gateway, 'POST', '/model/update', {
      model_name: 'smarter',
      litellm_params: { api_key: null, api_base: 'http://127.0.0.1:8000/v1' },
      model_info: { id: 'smart-1', output_cost_per_token: null },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      model_name: 'smarter',
      litellm_params: { model: 'openai/gpt-4o-mini', api_base: 'http://127.0.0.1:8000/v1' },
      model_info: { id: 'smart-1', credential: 'none', input_cost_per_token: 0.00000015, output_cost_per_token: null },
    });
    expect(res.json().litellm_params.api_key).toBeUndefined();
    expect(gateway.router().resolve('smart')).toBeUndefined();
    expect(gateway.router().resolve('smarter')?.deployments[0]?.apiBase).toBe('http://127.0.0.1:8000/v1');
  });

  it('leaves a model unchanged when an update would not load', async () => {
    const { gateway } = await start();
    await send(gateway, 'POST', '/model/new', NEW_MODEL);
    const res = await send(gateway, 'POST', '/model/update', { model_info: { id: 'smart-1' }, litellm_params: { model: 'azure/dep' } });
    expect(res.statusCode).toBe(400);
    expect(gateway.router().resolve('smart')?.deployments[0]?.provider).toBe('openai');
  });

  it.each([
    ['/model/update', { model_info: { id: 'ghost' } }, 404],
    ['/model/delete', { id: 'ghost' }, 404],
    ['/model/update', { model_name: 'x' }, 400],
  ])('%s %j answers %d', async (url, body, status) => {
    const { gateway } = await start();
    expect((await send(gateway, 'POST', url, body)).statusCode).toBe(status);
  });

  it('deletes a model; it stops being served at once', async () => {
    const { gateway } = await start();
    await send(gateway, 'POST', '/model/new', NEW_MODEL);
    const res = await send(gateway, 'POST', '/model/delete', { id: 'smart-1' });
    expect(res.json()).toEqual({ id: 'smart-1', message: 'Model smart-1 deleted' });
    expect(gateway.router().resolve('smart')).toBeUndefined();
  });

  it('filters /model/info by id and pages /v2/model/info with a search', async () => {
    const { gateway } = await start();
    for (const name of ['alpha', 'beta', 'alphabet']) {
      await send(gateway, 'POST', '/model/new', { model_name: name, litellm_params: { model: 'ollama_chat/x', api_base: 'http://127.0.0.1:11434' }, model_info: { id: `${name}-id` } });
    }
    expect((await send(gateway, 'GET', '/model/info?litellm_model_id=beta-id')).json().data.map((e: { model_name: string }) => e.model_name)).toEqual(['beta']);
    const page = (await send(gateway, 'GET', '/v2/model/info?search=ALPHA&size=1&page=2')).json();
    expect(page).toMatchObject({ total_count: 2, current_page: 2, total_pages: 2, size: 1 });
    expect(page.data.map((e: { model_name: string }) => e.model_name)).toEqual(['alphabet']);
  });

  it('skips a stored model that no longer loads at start, saying why, and still starts', async () => {
    const db = openTempDatabase();
    open.db.push(db);
    const first = await start({ db, env: { OPENAI_KEY: 'x' } });
    await send(first.gateway, 'POST', '/model/new', NEW_MODEL);
    await first.gateway.close();
    const logs: string[] = [];
    const second = await start({ db, env: {}, logs });
    expect(second.gateway.router().resolve('smart')).toBeUndefined();
    expect(second.gateway.router().resolve('local')).toBeDefined();
    expect(logs.join('')).toContain('dashboard-managed model smart-1 is not served: litellm_params.api_key: environment variable OPENAI_KEY is not set');
  });

  it.each([
    ['GET', '/model/info'],
    ['GET', '/v2/model/info'],
    ['POST', '/model/new'],
    ['POST', '/model/update'],
    ['POST', '/model/delete'],
    ['POST', '/model/test'],
  ] as const)('%s %s needs the admin key: 401 without a key, 403 for an app key', async (method, url) => {
    const { gateway } = await start();
    const payload = method === 'POST' ? NEW_MODEL : undefined;
    const anonymous = await gateway.app.inject({ method, url, ...(payload ? { headers: { 'content-type': 'application/json' }, payload: JSON.stringify(payload) } : {}) });
    expect(anonymous.statusCode).toBe(401);
    expect((await send(gateway, method, url, payload, APP_KEY)).statusCode).toBe(403);
  });

  it('answers writes with 400 on a gateway without a database', async () => {
    const gateway = await createServer({ config: parseConfigText(YAML, 'c.yaml', {}), log: pino({ level: 'silent' }), masterKey: MASTER, port: 80 });
    open.gateways.push(gateway);
    const res = await send(gateway, 'POST', '/model/new', NEW_MODEL);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('without a database');
    expect((await send(gateway, 'GET', '/model/info')).json().data).toHaveLength(1);
  });
});
