// GET /model/discover over real sockets: the models each configured local server offers (Ollama
// /api/tags, OpenAI-compatible /models), marked when already configured, plus the default
// loopback addresses only with ?defaults=true (pointed at loopback mocks here). Which servers
// count as local is checked in-process, without any traffic.
import { afterEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../../main/core/principal.js';
import { isLocalDeployment, type DiscoveryReport } from '../../../main/routing/discover-local-models.js';
import { createMockUpstream, type Behaviour, type MockUpstream } from '../../support/mock-upstream.js';
import { refusedPort } from '../../support/refused-port.js';
import { callGateway } from '../../support/send-to-gateway.js';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.js';
import { deployment } from './routing-test-kit.js';

const MASTER = 'sk-master-discover-0123456789abcdef';
const APP_KEY = 'sk-app-discover-0123456789abcdef';
const VLLM_KEY = 'sk-vllm-discover-secret-0123456789';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close();
});

async function mock(models: string[], defaultBehaviour?: Behaviour): Promise<MockUpstream> {
  const m = await createMockUpstream({ models, ...(defaultBehaviour ? { defaultBehaviour } : {}) });
  open.push(m);
  return m;
}

const appPrincipal: Principal = { kind: 'virtual', keyId: 'k1', alias: 'app', models: [], rpmLimit: null, tpmLimit: null, maxParallelRequests: null, hasBudget: false };

async function start(yaml: string, extra: Parameters<typeof startTestGateway>[1] = {}): Promise<TestGateway> {
  const gateway = await startTestGateway(yaml, {
    listen: true,
    masterKey: MASTER,
    virtualKeys: { verify: (key) => (key === APP_KEY ? appPrincipal : undefined) },
    ...extra,
  });
  open.push(gateway);
  return gateway;
}

const discover = async (g: TestGateway, query = '', key = MASTER) => {
  const res = await callGateway(g.port, `/model/discover${query}`, undefined, { key });
  return { status: res.status, text: res.text, report: res.json as DiscoveryReport };
};

describe('GET /model/discover', () => {
  it('lists the models of each configured local server, marking those already configured', async () => {
    const ollama = await mock(['llama3.2:latest', 'qwen3:8b']);
    const vllm = await mock(['Qwen/Qwen3-8B', 'meta-llama/Llama-3.1-8B-Instruct']);
    const g = await start(`model_list:
  - model_name: llama
    litellm_params: { model: ollama_chat/llama3.2, api_base: "${ollama.url}" }
  - model_name: qwen-local
    litellm_params: { model: hosted_vllm/Qwen/Qwen3-8B, api_base: "${vllm.url}/v1", api_key: "${VLLM_KEY}" }
  - model_name: qwen-local-2
    litellm_params: { model: hosted_vllm/Qwen/Qwen3-8B, api_base: "${vllm.url}/v1", api_key: "${VLLM_KEY}" }
`);
    const { status, report } = await discover(g);
    expect(status).toBe(200);
    expect(report).toEqual({
      servers: [
        {
          api_base: ollama.url, provider: 'ollama_chat', source: 'config', reachable: true,
          models: [
            { id: 'llama3.2:latest', already_configured: true, configured_as: ['llama'], litellm_model: 'ollama_chat/llama3.2:latest' },
            { id: 'qwen3:8b', already_configured: false, configured_as: [], litellm_model: 'ollama_chat/qwen3:8b' },
          ],
        },
        {
          api_base: `${vllm.url}/v1`, provider: 'hosted_vllm', source: 'config', reachable: true,
          models: [
            { id: 'Qwen/Qwen3-8B', already_configured: true, configured_as: ['qwen-local', 'qwen-local-2'], litellm_model: 'hosted_vllm/Qwen/Qwen3-8B' },
            { id: 'meta-llama/Llama-3.1-8B-Instruct', already_configured: false, configured_as: [], litellm_model: 'hosted_vllm/meta-llama/Llama-3.1-8B-Instruct' },
          ],
        },
      ],
    });
    // One listing per server (two deployments share the vLLM server), with its key.
    expect(ollama.requests.map((r) => [r.method, r.path])).toEqual([['GET', '/api/tags']]);
    expect(vllm.requests.map((r) => [r.method, r.path, r.headers.authorization])).toEqual([['GET', '/v1/models', `Bearer ${VLLM_KEY}`]]);
  });

  it('probes the default local addresses only with ?defaults=true, skipping one already configured', async () => {
    const ollama = await mock(['llama3.2:latest']);
    const lmStudio = await mock(['phi-4']);
    const vllmPort = await refusedPort();
    const g = await start(`model_list:
  - model_name: llama
    litellm_params: { model: ollama_chat/llama3.2, api_base: "${ollama.url.replace('127.0.0.1', 'localhost')}" }
`, {
      discoveryDefaults: [
        { apiBase: ollama.url, provider: 'ollama_chat', protocol: 'ollama' },
        { apiBase: `${lmStudio.url}/v1`, provider: 'lm_studio', protocol: 'openai' },
        { apiBase: `http://127.0.0.1:${vllmPort}/v1`, provider: 'hosted_vllm', protocol: 'openai' },
      ],
    });
    const without = await discover(g);
    expect(without.report.servers.map((s) => s.provider)).toEqual(['ollama_chat']);
    expect(lmStudio.requests).toHaveLength(0);

    const withDefaults = await discover(g, '?defaults=true');
    expect(withDefaults.report.servers.map((s) => [s.provider, s.source, s.reachable])).toEqual([
      ['ollama_chat', 'config', true],
      ['lm_studio', 'default', true],
      ['hosted_vllm', 'default', false],
    ]);
    expect(withDefaults.report.servers[1]?.models).toEqual([{ id: 'phi-4', already_configured: false, configured_as: [], litellm_model: 'lm_studio/phi-4' }]);
    expect(withDefaults.report.servers[2]?.error).toContain('connection refused');
    // localhost and 127.0.0.1 are one server: Ollama was asked once per call, not twice.
    expect(ollama.requests).toHaveLength(2);
  });

  it('reports a server that refuses the listing without leaking its key', async () => {
    const vllm = await mock([], { kind: 'status', status: 401, body: { error: { message: `bad key ${VLLM_KEY}` } } });
    const g = await start(`model_list:
  - model_name: q
    litellm_params: { model: hosted_vllm/q, api_base: "${vllm.url}/v1", api_key: "${VLLM_KEY}" }
`);
    const { report, text } = await discover(g);
    expect(report.servers[0]).toMatchObject({ reachable: true, models: [] });
    expect(report.servers[0]?.error).toContain('HTTP 401');
    expect(text).not.toContain(VLLM_KEY);
  });

  it('reports a server whose answer is not a model list', async () => {
    const odd = await mock([], { kind: 'status', status: 200, body: { hello: 'world' } });
    const g = await start(`model_list:
  - model_name: q
    litellm_params: { model: lm_studio/q, api_base: "${odd.url}/v1" }
`);
    expect((await discover(g)).report.servers[0]).toMatchObject({ reachable: true, models: [], error: expect.stringContaining('not a model list') });
  });

  it('is for the admin only', async () => {
    const ollama = await mock(['llama3.2']);
    const g = await start(`model_list:
  - model_name: llama
    litellm_params: { model: ollama_chat/llama3.2, api_base: "${ollama.url}" }
`);
    expect((await discover(g, '', APP_KEY)).status).toBe(403);
    expect((await callGateway(g.port, '/model/discover', undefined)).status).toBe(401);
    expect(ollama.requests).toHaveLength(0);
  });
});

describe('isLocalDeployment', () => {
  it.each([
    ['Ollama on its default address', { provider: 'ollama_chat', protocol: 'ollama' as const, apiBase: 'http://127.0.0.1:11434' }, true],
    ['vLLM on another machine of the LAN', { provider: 'hosted_vllm', apiBase: 'http://192.168.1.20:8000/v1' }, true],
    ['an OpenAI-compatible server on loopback', { provider: 'openai', apiBase: 'http://localhost:8080/v1' }, true],
    ['OpenAI itself', { provider: 'openai', apiBase: 'https://api.openai.com/v1' }, false],
    ['OpenRouter', { provider: 'openrouter', apiBase: 'https://openrouter.ai/api/v1' }, false],
    ['Anthropic, even on loopback', { provider: 'anthropic', protocol: 'anthropic' as const, apiBase: 'http://127.0.0.1:9' }, false],
  ])('%s: %s', (_name, overrides, expected) => {
    expect(isLocalDeployment(deployment('d', overrides))).toBe(expected);
  });
});
