// The active-model API over app.inject: read and switch the alias, user aliases, admin-only
// access, the alias in /v1/models, and persistence across a gateway restart.
import { afterEach, describe, expect, it } from 'vitest';
import { ACTIVE_MODEL_ALIAS, createMemoryPersistence, type AliasPersistence } from '../../../main/routing/active-model.js';
import type { VirtualKeyLookup } from '../../../main/keys/virtual-key-lookup.js';
import type { Principal } from '../../../main/core/principal.js';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.js';

const MASTER = 'sk-master-active-model-0123456789';
const APP_KEY = 'sk-app-key-active-model-0123456789';
const LIMITED_KEY = 'sk-limited-key-active-model-012345';
const YAML = `model_list:
  - model_name: qwen
    litellm_params: { model: ollama_chat/qwen3, api_base: "http://127.0.0.1:9" }
  - model_name: gpt
    litellm_params: { model: openai/gpt-4o, api_base: "http://127.0.0.1:9/v1" }
`;
const appKey = (keyId: string, models: string[]): Principal => ({
  kind: 'virtual', keyId, alias: keyId, models, rpmLimit: null, tpmLimit: null, maxParallelRequests: null, hasBudget: false,
});
const virtualKeys: VirtualKeyLookup = {
  verify: (presented) => (presented === APP_KEY ? appKey('app', []) : presented === LIMITED_KEY ? appKey('limited', ['gpt']) : undefined),
};

const gateways: TestGateway[] = [];
async function start(options: { masterKey?: string; settingsRepository?: AliasPersistence } = { masterKey: MASTER }): Promise<TestGateway> {
  const gateway = await startTestGateway(YAML, { ...options, virtualKeys });
  gateways.push(gateway);
  return gateway;
}
afterEach(async () => {
  for (const g of gateways.splice(0)) await g.close();
});

const as = (key: string) => ({ authorization: `Bearer ${key}` });
const get = (g: TestGateway, url: string, key = MASTER) => g.app.inject({ method: 'GET', url, headers: as(key) });
const post = (g: TestGateway, payload: unknown, key = MASTER) =>
  g.app.inject({ method: 'POST', url: '/active-model', headers: { ...as(key), 'content-type': 'application/json' }, payload: JSON.stringify(payload) });

describe('active-model routes', () => {
  it('GET /active-model names the alias, its target (the first group by default) and the groups', async () => {
    const g = await start();
    const res = await get(g, '/active-model');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ alias: ACTIVE_MODEL_ALIAS, model: 'qwen', aliases: { [ACTIVE_MODEL_ALIAS]: 'qwen' }, models: ['qwen', 'gpt'] });
  });

  it('POST /active-model switches the target for the next request without a restart', async () => {
    const g = await start();
    const res = await post(g, { model: 'gpt' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ alias: ACTIVE_MODEL_ALIAS, model: 'gpt' });
    expect((await get(g, '/active-model')).json().model).toBe('gpt');
    expect(g.router().resolve(ACTIVE_MODEL_ALIAS)?.name).toBe('gpt');
  });

  it('refuses an unknown group with 400 naming the available groups', async () => {
    const g = await start();
    const res = await post(g, { model: 'claude' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid_request', param: 'model' });
    expect(res.json().error.message).toContain('"qwen", "gpt"');
    expect((await get(g, '/active-model')).json().model).toBe('qwen');
  });

  it.each([
    ['no model', {}],
    ['an empty model', { model: '' }],
    ['a number', { model: 7 }],
    ['an array body', ['gpt']],
    ['an empty alias', { model: 'gpt', alias: '' }],
  ])('answers 400 for %s', async (_name, payload) => {
    const g = await start();
    const res = await post(g, payload);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.type).toBe('invalid_request_error');
  });

  it('sets a user alias, lists it, resolves it, and removes it', async () => {
    const g = await start();
    const set = await post(g, { alias: 'default', model: 'gpt' });
    expect(set.json().aliases).toEqual({ [ACTIVE_MODEL_ALIAS]: 'qwen', default: 'gpt' });
    expect(g.router().resolve('default')?.name).toBe('gpt');
    const del = await g.app.inject({ method: 'DELETE', url: '/active-model/aliases/default', headers: as(MASTER) });
    expect(del.statusCode).toBe(200);
    expect(del.json().aliases).toEqual({ [ACTIVE_MODEL_ALIAS]: 'qwen' });
    expect(g.router().resolve('default')).toBeUndefined();
    const again = await g.app.inject({ method: 'DELETE', url: '/active-model/aliases/default', headers: as(MASTER) });
    expect(again.statusCode).toBe(404);
  });

  it('refuses a virtual key with 403 admin_only on every active-model route, and no key with 401', async () => {
    const g = await start();
    const attempts = [
      () => get(g, '/active-model', APP_KEY),
      () => post(g, { model: 'gpt' }, APP_KEY),
      () => g.app.inject({ method: 'DELETE', url: '/active-model/aliases/default', headers: as(APP_KEY) }),
    ];
    for (const attempt of attempts) {
      const res = await attempt();
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('admin_only');
    }
    expect((await g.app.inject({ method: 'GET', url: '/active-model' })).statusCode).toBe(401);
    expect(g.router().resolve(ACTIVE_MODEL_ALIAS)?.name).toBe('qwen');
  });

  it('lets anyone local switch in open mode (no admin key configured)', async () => {
    const g = await start({});
    const res = await g.app.inject({ method: 'POST', url: '/active-model', headers: { 'content-type': 'application/json' }, payload: '{"model":"gpt"}' });
    expect(res.statusCode).toBe(200);
  });

  it('lists the aliases in /v1/models as owned_by switchboard, and answers /v1/models/{alias}', async () => {
    const g = await start();
    await post(g, { alias: 'default', model: 'gpt' });
    const list = await get(g, '/v1/models');
    expect(list.json().data).toEqual([
      { id: 'qwen', object: 'model', created: 0, owned_by: 'ollama_chat' },
      { id: 'gpt', object: 'model', created: 0, owned_by: 'openai' },
      { id: ACTIVE_MODEL_ALIAS, object: 'model', created: 0, owned_by: 'switchboard' },
      { id: 'default', object: 'model', created: 0, owned_by: 'switchboard' },
    ]);
    const one = await get(g, `/v1/models/${ACTIVE_MODEL_ALIAS}`);
    expect(one.statusCode).toBe(200);
    expect(one.json().id).toBe(ACTIVE_MODEL_ALIAS);
  });

  it('shows a key restricted to some models only the aliases that point at them', async () => {
    const g = await start();
    await post(g, { alias: 'default', model: 'gpt' });
    const ids = (await get(g, '/v1/models', LIMITED_KEY)).json().data.map((m: { id: string }) => m.id);
    expect(ids).toEqual(['gpt', 'default']);
  });

  it('keeps the choice across a restart when given the same settings repository', async () => {
    const persistence = createMemoryPersistence();
    const first = await start({ masterKey: MASTER, settingsRepository: persistence });
    await post(first, { model: 'gpt' });
    await post(first, { alias: 'default', model: 'qwen' });
    await first.close();
    gateways.splice(gateways.indexOf(first), 1);
    const second = await start({ masterKey: MASTER, settingsRepository: persistence });
    expect((await get(second, '/active-model')).json().aliases).toEqual({ [ACTIVE_MODEL_ALIAS]: 'gpt', default: 'qwen' });
  });
});
