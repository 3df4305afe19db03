import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../../support/test-gateway.js';

const MASTER = 'sk-master-0123456789abcdef';
const START = Date.UTC(2026, 2, 2, 10, 0, 0);
const YAML = `model_list:
  - model_name: gpt-4o
    litellm_params: { model: openai/gpt-4o, api_base: "http://127.0.0.1:9/v1" }
    model_info: { supports_vision: true }
  - model_name: qwen3:8b
    litellm_params: { model: openai/qwen3-8b, api_base: "http://127.0.0.1:9/v1" }
    model_info: { supports_reasoning: true, max_input_tokens: 32768 }
  - model_name: plain-completer
    litellm_params: { model: openai/old, api_base: "http://127.0.0.1:9/v1" }
    model_info: { supports_function_calling: false }
  - model_name: embedder
    litellm_params: { model: openai/text-embedding-3-small, api_base: "http://127.0.0.1:9/v1" }
    model_info: { mode: embedding }
general_settings:
  ollama_api: { version: "0.14.1" }
`;
const auth = { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' };

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway(YAML, { masterKey: MASTER, now: () => START });
});
afterAll(() => gateway.close());

const show = (model: unknown, key = 'model') => gateway.app.inject({ method: 'POST', url: '/api/show', headers: auth, payload: JSON.stringify({ [key]: model }) });

describe('ollama discovery routes', () => {
  it('reports the configured version at /api/version', async () => {
    const res = await gateway.app.inject({ method: 'GET', url: '/api/version', headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ version: '0.14.1' });
  });

  it('lists every group and alias as name:tag with every field strict clients parse', async () => {
    const res = await gateway.app.inject({ method: 'GET', url: '/api/tags', headers: auth });
    expect(res.statusCode).toBe(200);
    const models = res.json().models as Record<string, any>[];
    expect(models.map((m) => m.name)).toEqual(['gpt-4o:latest', 'qwen3:8b', 'plain-completer:latest', 'embedder:latest', 'switchboard/active:latest']);
    const gpt = models[0]!;
    expect(gpt).toEqual({
      name: 'gpt-4o:latest',
      model: 'gpt-4o:latest',
      modified_at: '2026-03-02T10:00:00.000Z',
      size: 0,
      digest: createHash('sha256').update('gpt-4o:latest').digest('hex'),
      details: { parent_model: '', format: 'api', family: 'gpt', families: ['gpt'], parameter_size: '', quantization_level: '' },
    });
    // Zed's and Copilot's required fields, by type, on every entry.
    for (const m of models) {
      expect(typeof m.name).toBe('string');
      expect(typeof m.model).toBe('string');
      expect(Number.isSafeInteger(m.size)).toBe(true);
      expect(m.digest).toMatch(/^[0-9a-f]{64}$/);
      expect(new Date(m.modified_at).toISOString()).toBe(m.modified_at);
      for (const field of ['parent_model', 'format', 'family', 'parameter_size', 'quantization_level']) expect(typeof m.details[field]).toBe('string');
      expect(Array.isArray(m.details.families)).toBe(true);
    }
  });

  it('answers /api/show with model_info, context length and capabilities', async () => {
    const res = await show('qwen3:8b');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.capabilities).toEqual(['completion', 'tools', 'thinking']);
    expect(body.model_info).toEqual({ 'general.architecture': 'qwen3', 'general.basename': 'qwen3', 'qwen3.context_length': 32768 });
    expect(Object.keys(body).sort()).toEqual(['capabilities', 'details', 'model_info', 'modelfile', 'modified_at', 'parameters', 'template']);
    expect(body.modified_at).toBe('2026-03-02T10:00:00.000Z');
  });

  it('takes the context length from the price catalogue when model_info has none', async () => {
    const body = (await show('gpt-4o')).json();
    expect(body.capabilities).toEqual(['completion', 'tools', 'vision']);
    expect(body.model_info['gpt.context_length']).toBe(128000);
  });

  it.each([
    ['plain-completer', ['completion']],
    ['embedder:latest', ['embedding']],
  ])('gives %s the capabilities %j', async (model, capabilities) => {
    expect((await show(model)).json().capabilities).toEqual(capabilities);
  });

  it('finds x as x:latest and accepts the legacy name field', async () => {
    expect((await show('gpt-4o:latest')).statusCode).toBe(200);
    expect((await show('gpt-4o', 'name')).statusCode).toBe(200);
    expect((await show('switchboard/active')).json().model_info['general.basename']).toBe('switchboard/active');
  });

  it("answers an unknown model with Ollama's 404 wording", async () => {
    const res = await show('qwen3:latest');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: "model 'qwen3:latest' not found" });
  });

  it('lists nothing as loaded at /api/ps', async () => {
    const res = await gateway.app.inject({ method: 'GET', url: '/api/ps', headers: auth });
    expect(res.json()).toEqual({ models: [] });
  });

  it('answers a pull of a served model with success and of another with directions', async () => {
    const ok = await gateway.app.inject({ method: 'POST', url: '/api/pull', headers: auth, payload: JSON.stringify({ model: 'gpt-4o', stream: false }) });
    expect(ok.json()).toEqual({ status: 'success' });
    const streamed = await gateway.app.inject({ method: 'POST', url: '/api/pull', headers: auth, payload: JSON.stringify({ model: 'gpt-4o' }) });
    expect(streamed.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(streamed.body).toBe('{"status":"success"}\n');
    const missing = await gateway.app.inject({ method: 'POST', url: '/api/pull', headers: auth, payload: JSON.stringify({ model: 'llama3.3:70b' }) });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toMatch(/not served by Switchboard.*dashboard.*ollama pull/);
  });

  it.each([
    ['POST', '/api/push'], ['POST', '/api/create'], ['POST', '/api/copy'], ['DELETE', '/api/delete'],
  ])('refuses %s %s with 501 and what to do instead', async (method, url) => {
    const res = await gateway.app.inject({ method: method as 'POST', url, headers: auth, payload: JSON.stringify({ model: 'gpt-4o' }) });
    expect(res.statusCode).toBe(501);
    expect(Object.keys(res.json())).toEqual(['error']);
    expect(res.json().error).toMatch(/Switchboard dashboard/);
  });

  it('needs a key on every discovery route when an admin key is set', async () => {
    for (const [method, url] of [['GET', '/api/version'], ['GET', '/api/tags'], ['POST', '/api/show'], ['GET', '/api/ps'], ['POST', '/api/pull']] as const) {
      const res = await gateway.app.inject({ method, url, headers: { 'content-type': 'application/json' }, payload: method === 'POST' ? '{"model":"gpt-4o"}' : undefined });
      expect(res.statusCode, url).toBe(401);
      expect(Object.keys(res.json())).toEqual(['error']);
    }
  });

  it('keeps / off the main port (no Ollama banner there)', async () => {
    const res = await gateway.app.inject({ method: 'GET', url: '/', headers: auth });
    expect(res.body).not.toContain('Ollama is running');
  });
});
