// GET /health over real sockets: every configured deployment probed with a cheap call (OpenAI
// /models, Ollama /api/tags) in parallel with a timeout, reported in LiteLLM's shape with
// sanitised errors; a healthy probe ends a cooldown; background probing when configured.
// Loopback mock upstreams only; the gateway's clock is fake.
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../../main/core/principal.js';
import type { HealthReport } from '../../../main/routing/background-health-checks.js';
import { createMockUpstream, type Behaviour, type MockUpstream } from '../../support/mock-upstream.js';
import { refusedPort } from '../../support/refused-port.js';
import { callGateway } from '../../support/send-to-gateway.js';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { fakeClock } from './routing-test-kit.js';

const MASTER = 'sk-master-health-0123456789abcdef';
const APP_KEY = 'sk-app-health-0123456789abcdef';
const UPSTREAM_KEY = 'sk-upstream-health-secret-0123456789';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close();
});

async function mock(defaultBehaviour: Behaviour = { kind: 'ok' }): Promise<MockUpstream> {
  const m = await createMockUpstream({ defaultBehaviour });
  open.push(m);
  return m;
}

const appPrincipal: Principal = { kind: 'virtual', keyId: 'k1', alias: 'app', models: [], rpmLimit: null, tpmLimit: null, maxParallelRequests: null, hasBudget: false };

async function start(yaml: string, extra: Parameters<typeof startTestGateway>[1] = {}) {
  const clock = fakeClock();
  const gateway = await startTestGateway(yaml, {
    listen: true,
    masterKey: MASTER,
    now: clock.now,
    virtualKeys: { verify: (key) => (key === APP_KEY ? appPrincipal : undefined) },
    ...extra,
  });
  open.push(gateway);
  return { gateway, clock };
}

const health = async (g: TestGateway, query = '', key = MASTER) => {
  const res = await callGateway(g.port, `/health${query}`, undefined, { key });
  return { status: res.status, text: res.text, report: res.json as HealthReport };
};

describe('GET /health', () => {
  it('probes every deployment and reports healthy and unhealthy endpoints with latency and sanitised errors', async () => {
    const openai = await mock();
    const ollama = await mock();
    const failing = await mock({ kind: 'status', status: 500, body: { error: { message: `boom, key ${UPSTREAM_KEY} at https://x.invalid/a?token=${UPSTREAM_KEY}` } } });
    const hanging = await mock({ kind: 'hang-before-headers' });
    const down = await refusedPort();
    const { gateway } = await start(`model_list:
  - model_name: gpt
    litellm_params: { model: openai/gpt-4o, api_base: "${openai.url}/v1", api_key: "${UPSTREAM_KEY}" }
    model_info: { id: gpt-1 }
  - model_name: llama
    litellm_params: { model: ollama_chat/llama3.2, api_base: "${ollama.url}" }
    model_info: { id: llama-1 }
  - model_name: gpt
    litellm_params: { model: openai/gpt-4o, api_base: "${failing.url}/v1", api_key: "${UPSTREAM_KEY}" }
    model_info: { id: gpt-2 }
  - model_name: slow
    litellm_params: { model: hosted_vllm/qwen, api_base: "${hanging.url}/v1" }
    model_info: { id: slow-1, health_check_timeout: 0.3 }
  - model_name: gone
    litellm_params: { model: lm_studio/phi, api_base: "http://127.0.0.1:${down}/v1" }
    model_info: { id: gone-1 }
`);
    const { status, text, report } = await health(gateway);
    expect(status).toBe(200);
    expect(report.healthy_count).toBe(2);
    expect(report.unhealthy_count).toBe(3);
    expect(report.healthy_endpoints).toEqual([
      { model: 'openai/gpt-4o', model_group: 'gpt', api_base: `${openai.url}/v1`, deployment_id: 'gpt-1', latency_ms: expect.any(Number) },
      { model: 'ollama_chat/llama3.2', model_group: 'llama', api_base: ollama.url, deployment_id: 'llama-1', latency_ms: expect.any(Number) },
    ]);
    const errors = Object.fromEntries(report.unhealthy_endpoints.map((e) => [e.deployment_id, e.error]));
    expect(errors['gpt-2']).toContain('HTTP 500');
    expect(errors['slow-1']).toMatch(/300 ms|0\.3 s/);
    expect(errors['gone-1']).toContain('connection refused');
    expect(text).not.toContain(UPSTREAM_KEY);
    expect(text).not.toContain('token=');
    // The cheap calls: GET /models with the deployment's key, GET /api/tags for Ollama.
    expect(openai.requests.map((r) => [r.method, r.path, r.headers.authorization])).toEqual([['GET', '/v1/models', `Bearer ${UPSTREAM_KEY}`]]);
    expect(ollama.requests.map((r) => [r.method, r.path])).toEqual([['GET', '/api/tags']]);
    await hanging.waitForClientClose(0);
  });

  it('probes in parallel: every backend is asked before any has answered', async () => {
    const gates: (() => void)[] = [];
    const held: Behaviour = {
      kind: 'raw',
      handler: (_req, res: ServerResponse) => {
        gates.push(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"object":"list","data":[]}'));
      },
    };
    const one = await mock(held);
    const two = await mock(held);
    const three = await mock(held);
    const { gateway } = await start(`model_list:
${[one, two, three].map((m, i) => `  - model_name: m${i}\n    litellm_params: { model: openai/x, api_base: "${m.url}/v1" }\n`).join('')}`);
    const pending = health(gateway);
    // Sequential probing would leave two and three unasked while one is held: this would hang.
    await Promise.all([one.waitForRequests(1), two.waitForRequests(1), three.waitForRequests(1)]);
    for (const release of gates) release();
    expect((await pending).report.healthy_count).toBe(3);
  });

  it('ends a cooldown when the probe succeeds, so traffic returns without waiting out cooldown_time', async () => {
    const a = await mock();
    const b = await mock();
    a.script({ kind: 'status', status: 429 });
    b.script({ kind: 'status', status: 429 });
    const { gateway } = await start(`model_list:
  - model_name: pair
    litellm_params: { model: openai/x, api_base: "${a.url}/v1" }
  - model_name: pair
    litellm_params: { model: openai/x, api_base: "${b.url}/v1" }
router_settings: { num_retries: 1, cooldown_time: 600 }
`);
    const body = { model: 'pair', messages: [{ role: 'user', content: 'hi' }] };
    expect((await callGateway(gateway.port, '/v1/chat/completions', body, { key: MASTER })).status).toBe(429);
    const cooling = await callGateway(gateway.port, '/v1/chat/completions', body, { key: MASTER });
    expect((cooling.json as { error: { code: string } }).error.code).toBe('no_deployments_available');

    expect((await health(gateway)).report.healthy_count).toBe(2);
    const after = await callGateway(gateway.port, '/v1/chat/completions', body, { key: MASTER });
    expect(after.status).toBe(200);
  });

  it('does not start a cooldown when an on-demand probe fails', async () => {
    const upstream = await mock({ kind: 'status', status: 503 });
    const { gateway } = await start(`model_list:
  - model_name: solo
    litellm_params: { model: openai/x, api_base: "${upstream.url}/v1" }
router_settings: { cooldown_time: 600, allowed_fails: 1 }
`);
    expect((await health(gateway)).report.unhealthy_count).toBe(1);
    expect(gateway.router().health.coolingDownUntil('solo#0')).toBeUndefined();
  });

  it('checks one model group with ?model= (aliases too) and answers 404 for an unknown one', async () => {
    const a = await mock();
    const b = await mock();
    const { gateway } = await start(`model_list:
  - model_name: a
    litellm_params: { model: openai/x, api_base: "${a.url}/v1" }
  - model_name: b
    litellm_params: { model: openai/x, api_base: "${b.url}/v1" }
`);
    const one = await health(gateway, '?model=b');
    expect(one.report.healthy_endpoints.map((e) => e.model_group)).toEqual(['b']);
    expect(a.requests).toHaveLength(0);
    const viaAlias = await health(gateway, '?model=switchboard/active');
    expect(viaAlias.report.healthy_endpoints.map((e) => e.model_group)).toEqual(['a']);
    expect((await health(gateway, '?model=nope')).status).toBe(404);
  });

  it('answers ?cached=true from the last report without probing again', async () => {
    const upstream = await mock();
    const { gateway } = await start(`model_list:
  - model_name: a
    litellm_params: { model: openai/x, api_base: "${upstream.url}/v1" }
`);
    const first = await health(gateway, '?cached=true');
    expect(upstream.requests).toHaveLength(1);
    const cached = await health(gateway, '?cached=true');
    expect(cached.report).toEqual(first.report);
    expect(upstream.requests).toHaveLength(1);
    await health(gateway);
    expect(upstream.requests).toHaveLength(2);
  });

  it('is for the admin only: a virtual key gets 403 admin_only, no key 401, and no backend is called', async () => {
    const upstream = await mock();
    const { gateway } = await start(`model_list:
  - model_name: a
    litellm_params: { model: openai/x, api_base: "${upstream.url}/v1" }
`);
    const refused = await health(gateway, '', APP_KEY);
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('admin_only');
    expect((await callGateway(gateway.port, '/health', undefined)).status).toBe(401);
    expect(upstream.requests).toHaveLength(0);
  });
});

describe('background health checks', () => {
  const yaml = (up: MockUpstream, bad: MockUpstream) => `model_list:
  - model_name: chat
    litellm_params: { model: openai/x, api_base: "${up.url}/v1" }
    model_info: { id: up }
  - model_name: chat
    litellm_params: { model: openai/x, api_base: "${bad.url}/v1" }
    model_info: { id: bad }
router_settings: { cooldown_time: 60 }
`;

  it('are off unless configured', async () => {
    const up = await mock();
    const bad = await mock({ kind: 'status', status: 500 });
    const { gateway } = await start(yaml(up, bad));
    await gateway.healthChecks.idle();
    expect(gateway.healthChecks.last()).toBeUndefined();
    expect(up.requests.length + bad.requests.length).toBe(0);
  });

  it('probe at start when enabled, cool a failing deployment down, and keep the report for ?cached=true', async () => {
    const up = await mock();
    const bad = await mock({ kind: 'status', status: 500 });
    const { gateway, clock } = await start(yaml(up, bad), { healthChecks: { background: true, intervalMs: 300_000 } });
    await Promise.all([up.waitForRequests(1), bad.waitForRequests(1)]);
    await gateway.healthChecks.idle();
    expect(gateway.router().health.coolingDownUntil('bad')).toBe(clock.now() + 60_000);
    expect(gateway.router().health.coolingDownUntil('up')).toBeUndefined();
    const cached = await health(gateway, '?cached=true');
    expect(cached.report).toMatchObject({ healthy_count: 1, unhealthy_count: 1 });
    expect(up.requests).toHaveLength(1);
    // Traffic now goes to the healthy deployment only.
    for (let i = 0; i < 5; i++) {
      const res = await callGateway(gateway.port, '/v1/chat/completions', { model: 'chat', messages: [{ role: 'user', content: 'hi' }] }, { key: MASTER });
      expect(res.headers['x-litellm-model-id']).toBe('up');
    }
    expect(bad.requests).toHaveLength(1);
  });
});
