// Keyless Ollama clients over app.inject: only loopback peers, only /api/* and /, only without any
// key header, only with an admin key configured; the rest authenticates as before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../../support/test-gateway.js';

const MASTER = 'sk-master-0123456789abcdef';
const YAML = `model_list:
  - model_name: m
    litellm_params: { model: openai/m, api_base: "http://127.0.0.1:9/v1" }
general_settings:
  ollama_api: { allow_without_key: true, models: ["m:latest"] }
`;
let gateway: TestGateway;
let open: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway(YAML, { masterKey: MASTER });
  open = await startTestGateway(YAML);
});
afterAll(async () => {
  await gateway.close();
  await open.close();
});

const tags = (g: TestGateway, headers: Record<string, string> = {}, remoteAddress = '127.0.0.1') =>
  g.app.inject({ method: 'GET', url: '/api/tags', headers, remoteAddress });

describe('allowKeylessOllamaClients', () => {
  it.each(['127.0.0.1', '127.3.4.5', '::1', '::ffff:127.0.0.1'])('lets a keyless client on %s list its allowed models', async (address) => {
    const res = await tags(gateway, {}, address);
    expect(res.statusCode).toBe(200);
    // "m:latest" in the list allows the configured "m" (and the active alias that points at it).
    expect(res.json().models.map((m: { name: string }) => m.name)).toEqual(['m:latest', 'switchboard/active:latest']);
  });

  it.each(['192.168.1.5', '10.0.0.2', '::ffff:192.168.1.5', 'fe80::1'])('makes a client on %s send a key', async (address) => {
    expect((await tags(gateway, {}, address)).statusCode).toBe(401);
  });

  it.each([
    [{ authorization: 'Bearer sk-wrong-0123456789abcdef' }],
    [{ 'x-api-key': 'sk-wrong-0123456789abcdef' }],
    [{ authorization: 'Basic dXNlcjpwYXNz' }],
    [{ authorization: '' }],
  ])('uses whatever key is presented, even a bad one: %j', async (headers) => {
    expect((await tags(gateway, headers)).statusCode).toBe(401);
  });

  it('never lets a keyless client past /api/*', async () => {
    expect((await gateway.app.inject({ method: 'GET', url: '/v1/models' })).statusCode).toBe(401);
    // Readiness tells a keyless probe ready/not-ready and nothing more.
    expect((await gateway.app.inject({ method: 'GET', url: '/health/readiness' })).json()).toEqual({ status: 'ready' });
    expect((await gateway.app.inject({ method: 'GET', url: '/api/../v1/models' })).statusCode).not.toBe(200);
  });

  it('changes nothing in open mode (no admin key): every model, as before', async () => {
    const res = await tags(open, {}, '192.168.1.5');
    expect(res.statusCode).toBe(200);
    expect(res.json().models).toHaveLength(2);
  });
});
