// Bad input to the Ollama discovery routes: each gets a 4xx in Ollama's `{"error": "..."}` shape,
// never a 500, a stack or an echo of a huge value.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../../support/test-gateway.js';

const MASTER = 'sk-master-0123456789abcdef';
const YAML = 'model_list:\n  - model_name: m\n    litellm_params: { model: openai/m, api_base: "http://127.0.0.1:9/v1" }\n';
let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway(YAML, { masterKey: MASTER });
});
afterAll(() => gateway.close());

const post = (url: string, payload: string, type = 'application/json') =>
  gateway.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${MASTER}`, 'content-type': type }, payload });

describe('ollama discovery routes with bad input', () => {
  it.each([
    ['a missing model', '{}', 400, 'model is required'],
    ['an empty model', '{"model":"  "}', 400, 'model is required'],
    ['a model that is not a string', '{"model":["m"]}', 400, 'model is required'],
    ['an array body', '[{"model":"m"}]', 400, 'the request body must be a JSON object'],
    ['a string body', '"m"', 400, 'the request body must be a JSON object'],
    ['null', 'null', 400, 'the request body must be a JSON object'],
    ['broken JSON', '{"model":', 400, 'The request body is not valid JSON'],
  ])('/api/show refuses %s', async (_name, payload, status, message) => {
    const res = await post('/api/show', payload);
    expect(res.statusCode).toBe(status);
    expect(res.json()).toEqual({ error: message });
  });

  it('refuses a huge model name without echoing it', async () => {
    const huge = 'x'.repeat(100_000);
    const res = await post('/api/show', JSON.stringify({ model: huge }));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'model name is too long (at most 512 characters)' });
  });

  it('cuts an unknown name in its 404', async () => {
    const res = await post('/api/show', JSON.stringify({ model: 'y'.repeat(400) }));
    expect(res.statusCode).toBe(404);
    expect(res.body.length).toBeLessThan(300);
  });

  it('refuses a non-JSON body before parsing it (S4)', async () => {
    const res = await post('/api/show', 'model=m', 'application/x-www-form-urlencoded');
    expect(res.statusCode).toBe(415);
    expect(Object.keys(res.json())).toEqual(['error']);
  });

  it('answers an unknown /api path with a 404 in Ollama shape', async () => {
    const res = await gateway.app.inject({ method: 'GET', url: '/api/nope', headers: { authorization: `Bearer ${MASTER}` } });
    expect(res.statusCode).toBe(404);
    expect(Object.keys(res.json())).toEqual(['error']);
  });

  it('refuses /api/pull without a model', async () => {
    const res = await post('/api/pull', '{"stream":false}');
    expect(res.json()).toEqual({ error: 'model is required' });
  });
});
