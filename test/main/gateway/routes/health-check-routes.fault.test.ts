// GET /health?cached=true answers the last report only while it covers every deployment: one from
// before a model was added would leave the new model unknown (and the first-run guide unticked).
import pino from 'pino';
import { afterEach, expect, it } from 'vitest';
import { parseConfigText } from '../../../../main/config/load-config.js';
import { createServer, type Gateway } from '../../../../main/gateway/create-server.js';
import { createModelRepository } from '../../../../main/storage/model-repository.js';
import { healthReportSchema } from '../../../../shared/api/health-schemas.js';
import { createMockUpstream, type MockUpstream } from '../../../support/mock-upstream.js';
import { refusedPort } from '../../../support/refused-port.js';
import { openTempDatabase, type TempDatabase } from '../../storage/storage-test-kit.js';

const MASTER = 'sk-master-health-cached-0123456789';
const open: { db?: TempDatabase; gateway?: Gateway; mock?: MockUpstream } = {};
afterEach(async () => {
  await open.gateway?.close();
  await open.mock?.close();
  open.db?.dispose();
});

it('probes again instead of answering a cached report that misses a model added since', async () => {
  open.mock = await createMockUpstream({ models: ['qwen3'] });
  open.db = openTempDatabase();
  const dead = await refusedPort();
  const yaml = `model_list:\n  - model_name: llama3.2\n    litellm_params: { model: ollama_chat/llama3.2, api_base: "http://127.0.0.1:${dead}" }\n`;
  const g = await createServer({
    config: parseConfigText(yaml, '<default>', {}), log: pino({ level: 'silent' }), masterKey: MASTER, port: 80,
    models: { store: createModelRepository(open.db.db, open.db.clock), env: {} },
  });
  open.gateway = g;
  const send = async (method: 'GET' | 'POST', url: string, payload?: unknown) => (await g.app.inject({
    method, url, headers: { authorization: `Bearer ${MASTER}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
  })).json() as unknown;

  expect(healthReportSchema.parse(await send('GET', '/health'))).toMatchObject({ healthy_count: 0, unhealthy_count: 1 });
  await send('POST', '/model/new', { model_name: 'gpt-local', litellm_params: { model: 'hosted_vllm/qwen3', api_base: `${open.mock.url}/v1` }, model_info: { id: 'm-1' } });
  const cached = healthReportSchema.parse(await send('GET', '/health?cached=true'));
  expect(cached.healthy_endpoints.map((e) => e.deployment_id)).toEqual(['m-1']);
  expect(cached.unhealthy_count).toBe(1);
  // Unchanged deployments: the cached report is answered as is, without probing again.
  const before = open.mock.requests.length;
  expect(healthReportSchema.parse(await send('GET', '/health?cached=true')).checked_at).toBe(cached.checked_at);
  expect(open.mock.requests.length).toBe(before);
});
