// POST /model/test against the loopback mock upstream (real sockets): one tiny chat through the
// deployment's adapter, answered with the model's text and the latency, or with why it failed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMockUpstream, type MockUpstream } from '../../../support/mock-upstream.js';
import { refusedPort } from '../../../support/refused-port.js';
import { startTestGateway, type TestGateway } from '../../../support/test-gateway.js';
import { modelTestResultSchema } from '../../../../shared/api/model-schemas.js';

const MASTER = 'sk-master-model-test-0123456789';
const UPSTREAM_KEY = 'sk-upstream-model-test-abcdef';
let mock: MockUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  mock = await createMockUpstream();
  const dead = await refusedPort();
  gateway = await startTestGateway(
    `model_list:
  - model_name: gpt
    litellm_params: { model: openai/up-gpt, api_base: "${mock.url}/v1", api_key: "${UPSTREAM_KEY}" }
    model_info: { id: gpt-1 }
  - model_name: llama
    litellm_params: { model: ollama_chat/llama3.2, api_base: "${mock.url}" }
    model_info: { id: llama-1 }
  - model_name: dead
    litellm_params: { model: openai/x, api_base: "http://127.0.0.1:${dead}/v1", api_key: "${UPSTREAM_KEY}" }
router_settings: { num_retries: 0, cooldown_time: 0 }
`,
    { masterKey: MASTER },
  );
});
afterAll(async () => {
  await gateway?.close();
  await mock?.close();
});

const test = (model: string) =>
  gateway.app.inject({ method: 'POST', url: '/model/test', headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' }, payload: JSON.stringify({ model }) });

describe('POST /model/test', () => {
  it.each([
    ['gpt', 'gpt-1', '/v1/chat/completions'],
    ['llama-1', 'llama-1', '/api/chat'],
  ])('sends one small chat to %s and answers with its text and latency', async (model, deploymentId, path) => {
    const before = mock.requests.length;
    const res = await test(model);
    expect(res.statusCode).toBe(200);
    const result = modelTestResultSchema.parse(res.json());
    expect(result).toMatchObject({ ok: true, deployment_id: deploymentId, answer: 'Hello, world!', error: null });
    expect(result.latency_ms).toBeGreaterThanOrEqual(0);
    const sent = mock.requests.slice(before);
    expect(sent.map((r) => r.path)).toEqual([path]);
    expect(sent[0]!.json).toMatchObject({ messages: [{ role: 'user', content: 'Reply with a short greeting.' }] });
  });

  it('sends the upstream its key and the upstream model name, never the gateway key', async () => {
    const before = mock.requests.length;
    await test('gpt');
    const [sent] = mock.requests.slice(before);
    expect(sent!.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(sent!.json).toMatchObject({ model: 'up-gpt', max_tokens: 16 });
    expect(JSON.stringify(sent!.headers)).not.toContain(MASTER);
  });

  it('says why a deployment failed, without its key', async () => {
    const res = await test('dead');
    expect(res.statusCode).toBe(200);
    const result = modelTestResultSchema.parse(res.json());
    expect(result.ok).toBe(false);
    expect(result.answer).toBeNull();
    expect(result.error).toMatch(/connect|refused/i);
    expect(res.body).not.toContain(UPSTREAM_KEY);
  });

  it('reports an upstream error status as a failed test', async () => {
    mock.script({ kind: 'status', status: 500 });
    const result = modelTestResultSchema.parse((await test('gpt')).json());
    expect(result.ok).toBe(false);
    expect(result.error).not.toBeNull();
  });

  it('answers 404 for a model the gateway does not have', async () => {
    const res = await test('nope');
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('model_not_found');
  });
});
