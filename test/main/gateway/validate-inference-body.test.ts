import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.js';

const YAML = 'model_list:\n  - model_name: m\n    litellm_params: { model: openai/m, api_base: "http://127.0.0.1:9/v1" }\n';
let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway(YAML);
});
afterAll(() => gateway.close());

const post = (payload: string | Buffer, url = '/v1/chat/completions') =>
  gateway.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload });
const msgs = [{ role: 'user', content: 'hi' }];

describe('validate-inference-body', () => {
  // S10: malformed bodies get OpenAI-shaped 400s, no stack trace, and the process stays up.
  it.each([
    ['truncated JSON', '{"model":"m","messages":['],
    ['trailing garbage', '{"model":"m","messages":[]} xyz'],
    ['a BOM', '\uFEFF{"model":"m","messages":[]}'],
    ['__proto__', '{"model":"m","messages":[{"role":"user","content":"x"}],"__proto__":{"admin":true}}'],
    ['constructor.prototype', '{"model":"m","messages":[{"role":"user","content":"x"}],"constructor":{"prototype":{"admin":true}}}'],
    ['__proto__ in a message, escaped', '{"model":"m","messages":[{"role":"user","content":"x","\\u005f\\u005fproto__":{"admin":true}}]}'],
    ['constructor.prototype deep in a tool schema', '{"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"constructor" :{"prototype":{}}}}}]}'],
    ['messages as a string', '{"model":"m","messages":"x"}'],
    ['max_tokens -1', '{"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":-1}'],
    ['max_tokens 1e309', '{"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":1e309}'],
    ['temperature 1e309', '{"model":"m","messages":[{"role":"user","content":"x"}],"temperature":1e309}'],
    ['an empty body', ''],
    ['a JSON array', '[1,2]'],
    ['no model', '{"messages":[{"role":"user","content":"x"}]}'],
    ['a bad role', '{"model":"m","messages":[{"role":"wizard","content":"x"}]}'],
    ['stream as a string', '{"model":"m","messages":[{"role":"user","content":"x"}],"stream":"yes"}'],
  ])('answers 400 to %s', async (_name, payload) => {
    const res = await post(payload);
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.type).toBe('invalid_request_error');
    expect(typeof body.error.message).toBe('string');
    expect(res.body).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  it('answers 400 to invalid UTF-8 bytes instead of replacing them', async () => {
    const res = await post(Buffer.concat([Buffer.from('{"model":"m","messages":[{"role":"user","content":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}]}')]));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_json');
  });

  it('survives 10,000-deep nesting', async () => {
    const res = await post(`{"model":"m","messages":${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
    expect(res.statusCode).toBe(400);
    const after = await post(JSON.stringify({ model: 'nope', messages: msgs }));
    expect(after.statusCode).toBe(404);
  });

  it('answers 413 to a body one byte over the limit', async () => {
    const small = await startTestGateway(`${YAML}general_settings:\n  max_request_size_mb: 0.001\n`);
    const limit = Math.floor(0.001 * 1024 * 1024);
    const base = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: '' }] });
    const payload = base.replace('"content":""', `"content":"${'a'.repeat(limit - base.length + 1)}"`);
    expect(Buffer.byteLength(payload)).toBe(limit + 1);
    const res = await small.app.inject({ method: 'POST', url: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, payload });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('payload_too_large');
    await small.close();
  });

  // S37: the fields the budget reservation multiplies by must be what the upstream will read.
  it.each([
    ['n 0', 'n', { n: 0 }],
    ['n as a string', 'n', { n: '128' }],
    ['best_of 2.5', 'best_of', { best_of: 2.5 }],
    ['best_of as a string', 'best_of', { best_of: '20' }],
    ['modalities as a string', 'modalities', { modalities: 'audio' }],
    ['modalities with a number', 'modalities', { modalities: ['text', 1] }],
  ])('answers 400 naming the field to %s', async (_name, param, extra) => {
    const res = await post(JSON.stringify({ model: 'm', messages: msgs, ...extra }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid_request', param });
  });

  // S13: no routing field is ever taken from a request (CVE-2024-6587, Portkey CVE-2025-66405).
  it.each([
    ['api_base', { api_base: 'http://evil.example' }],
    ['base_url', { base_url: 'http://evil.example' }],
    ['api_key', { api_key: 'sk-x' }],
    ['headers', { headers: { 'x-a': '1' } }],
    ['extra_headers', { extra_headers: { 'x-a': '1' } }],
    ['extra_body', { extra_body: { api_base: 'http://evil.example' } }],
    ['metadata.url', { metadata: { url: 'http://evil.example' } }],
    ['metadata.api_base', { metadata: { api_base: 'http://evil.example' } }],
    ['nested api_key', { options: { api_key: 'sk-x' } }],
  ])('rejects a body with %s', async (name, extra) => {
    const res = await post(JSON.stringify({ model: 'm', messages: msgs, ...extra }));
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'forbidden_field', param: name === 'nested api_key' ? 'options.api_key' : name });
  });

  // S14: model names are looked up, never interpolated (Portkey PR #1597).
  it.each([
    ['../../admin', 404], ['m#@evil.com', 404], ['m?x=1', 404], ['m/../../v1/files', 404], ['x'.repeat(5000), 400], ['m\u0000', 400], ['m\n', 400],
  ])('refuses model %j with %i', async (model, status) => {
    const res = await post(JSON.stringify({ model, messages: msgs }));
    expect(res.statusCode).toBe(status);
  });

  it("answers unknown routes under /api/ with a 404 in Ollama's shape", async () => {
    const res = await gateway.app.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'No route for GET /api/nothing-here' });
  });

  it('answers unknown routes with a 404 in OpenAI shape', async () => {
    const res = await gateway.app.inject({ method: 'GET', url: '/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('route_not_found');
  });
});
