// The active alias and model changes (issue 14, item 2): it follows the first working model added
// while it still points at a default nobody chose that does not answer, and a delete never
// leaves it on a deleted model. Real sockets: a refused loopback port is the dead Ollama, the
// scripted mock a working OpenAI-compatible server.
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../main/config/load-config.js';
import { createServer, type Gateway } from '../../../../main/gateway/create-server.js';
import { createModelRepository } from '../../../../main/storage/model-repository.js';
import { activeModelStateSchema } from '../../../../shared/api/active-model-schemas.js';
import { modelDeleteResultSchema, modelNewResultSchema } from '../../../../shared/api/model-schemas.js';
import { createMockUpstream, type MockUpstream } from '../../../support/mock-upstream.js';
import { refusedPort } from '../../../support/refused-port.js';
import { openTempDatabase, type TempDatabase } from '../../storage/storage-test-kit.js';

const MASTER = 'sk-master-active-follow-0123456789';
let mock: MockUpstream;
let deadPort: number;
beforeAll(async () => {
  mock = await createMockUpstream({ models: ['qwen3', 'phi4'] });
  deadPort = await refusedPort();
});
afterAll(async () => {
  await mock?.close();
});

const open: { db: TempDatabase[]; gateways: Gateway[] } = { db: [], gateways: [] };
afterEach(async () => {
  for (const g of open.gateways.splice(0)) await g.close();
  for (const d of open.db.splice(0)) d.dispose();
});

async function start(defaultBase = `http://127.0.0.1:${deadPort}`): Promise<Gateway> {
  const db = openTempDatabase();
  open.db.push(db);
  const yaml = `model_list:\n  - model_name: llama3.2\n    litellm_params: { model: ollama_chat/llama3.2, api_base: "${defaultBase}" }\n`;
  const gateway = await createServer({
    config: parseConfigText(yaml, '<default>', {}), log: pino({ level: 'silent' }), masterKey: MASTER, port: 80,
    models: { store: createModelRepository(db.db, db.clock), env: {} }, activeModelFollowsWorkingModels: true,
  });
  open.gateways.push(gateway);
  return gateway;
}

const send = async (g: Gateway, method: 'GET' | 'POST', url: string, payload?: unknown) => {
  const res = await g.app.inject({
    method, url, headers: { authorization: `Bearer ${MASTER}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
  });
  return { status: res.statusCode, json: res.json() as unknown };
};
const active = async (g: Gateway) => activeModelStateSchema.parse((await send(g, 'GET', '/active-model')).json).model;
const working = (name: string, id: string, upstream = 'qwen3') => ({ model_name: name, litellm_params: { model: `hosted_vllm/${upstream}`, api_base: `${mock.url}/v1` }, model_info: { id } });
const dead = (name: string, id: string) => ({ model_name: name, litellm_params: { model: 'hosted_vllm/qwen3', api_base: `http://127.0.0.1:${deadPort}/v1` }, model_info: { id } });

describe('/model/new: the active model follows the first working model', () => {
  it('moves switchboard/active from the dead default to the first model added that answers, and says so', async () => {
    const g = await start();
    expect(await active(g)).toBe('llama3.2');
    const added = await send(g, 'POST', '/model/new', working('gpt-local', 'm-1'));
    expect(added.status).toBe(200);
    expect(modelNewResultSchema.parse(added.json).active_model_followed).toEqual({ alias: 'switchboard/active', from: 'llama3.2', to: 'gpt-local' });
    expect(await active(g)).toBe('gpt-local');

    // Only the first: a second working model leaves the (now working) active model alone.
    const second = await send(g, 'POST', '/model/new', working('phi', 'm-2', 'phi4'));
    expect(modelNewResultSchema.parse(second.json).active_model_followed).toBeUndefined();
    expect(await active(g)).toBe('gpt-local');
  });

  it('does not move it to a model that does not answer either', async () => {
    const g = await start();
    const added = await send(g, 'POST', '/model/new', dead('also-dead', 'm-1'));
    expect(modelNewResultSchema.parse(added.json).active_model_followed).toBeUndefined();
    expect(await active(g)).toBe('llama3.2');
  });

  it('does not move a choice the user made, even a dead one', async () => {
    const g = await start();
    expect((await send(g, 'POST', '/active-model', { model: 'llama3.2' })).status).toBe(200);
    await send(g, 'POST', '/model/new', working('gpt-local', 'm-1'));
    expect(await active(g)).toBe('llama3.2');
  });

  it('does not move it while the default answers', async () => {
    const ollama = await createMockUpstream({ models: ['llama3.2:latest'] });
    try {
      const g = await start(ollama.url);
      await send(g, 'POST', '/model/new', working('gpt-local', 'm-1'));
      expect(await active(g)).toBe('llama3.2');
    } finally {
      await ollama.close();
    }
  });
});

describe('/model/delete: the active alias never points at a deleted model', () => {
  it('without a choice, goes back to the default and says where it points now', async () => {
    const g = await start();
    await send(g, 'POST', '/model/new', dead('chosen', 'm-1'));
    await send(g, 'POST', '/active-model', { model: 'chosen' });
    const deleted = await send(g, 'POST', '/model/delete', { id: 'm-1' });
    expect(deleted.status).toBe(200);
    const result = modelDeleteResultSchema.parse(deleted.json);
    expect(result.active_model).toEqual({ alias: 'switchboard/active', model: 'llama3.2' });
    expect(result.message).toContain('switchboard/active now points at llama3.2');
    expect(await active(g)).toBe('llama3.2');
    // The deleted choice is forgotten: a new model of the same name does not take the alias back.
    await send(g, 'POST', '/model/new', dead('chosen', 'm-2'));
    expect(await active(g)).toBe('llama3.2');
  });

  it('switches to the model group the request names', async () => {
    const g = await start();
    await send(g, 'POST', '/model/new', working('gpt-local', 'm-1'));
    await send(g, 'POST', '/model/new', working('phi', 'm-2', 'phi4'));
    expect(await active(g)).toBe('gpt-local');
    const deleted = await send(g, 'POST', '/model/delete', { id: 'm-1', active_model: 'phi' });
    expect(modelDeleteResultSchema.parse(deleted.json).active_model).toEqual({ alias: 'switchboard/active', model: 'phi' });
    expect(await active(g)).toBe('phi');
  });

  it.each([
    ['the group being deleted', 'gpt-local'],
    ['a group that does not exist', 'nope'],
  ])('refuses active_model naming %s, and deletes nothing', async (_what, target) => {
    const g = await start();
    await send(g, 'POST', '/model/new', working('gpt-local', 'm-1'));
    const refused = await send(g, 'POST', '/model/delete', { id: 'm-1', active_model: target });
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ error: { param: 'active_model', message: expect.stringContaining('"llama3.2"') } });
    expect(await active(g)).toBe('gpt-local');
    expect((await send(g, 'GET', '/model/info?litellm_model_id=m-1')).json).toMatchObject({ data: [{ model_info: { id: 'm-1' } }] });
  });

  it('leaves the alias alone when the model deleted is not the active one', async () => {
    const g = await start();
    await send(g, 'POST', '/model/new', dead('other', 'm-1'));
    const deleted = await send(g, 'POST', '/model/delete', { id: 'm-1' });
    expect(modelDeleteResultSchema.parse(deleted.json).active_model).toBeUndefined();
    expect(await active(g)).toBe('llama3.2');
  });
});
