import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../support/test-gateway.js';

const YAML = 'model_list:\n  - model_name: m\n    litellm_params: { model: openai/m, api_base: "http://127.0.0.1:9/v1" }\n';
const MASTER = 'sk-master-0123456789abcdef';
let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startTestGateway(YAML, { masterKey: MASTER });
});
afterAll(() => gateway.close());

const json = { 'content-type': 'application/json' };
const chat = JSON.stringify({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] });

describe('authenticate', () => {
  it('lets the admin key in as Bearer, x-api-key and x-goog-api-key', async () => {
    for (const headers of [{ authorization: `Bearer ${MASTER}` }, { 'x-api-key': MASTER }, { 'x-goog-api-key': MASTER }]) {
      const res = await gateway.app.inject({ method: 'GET', url: '/v1/models', headers });
      expect(res.statusCode).toBe(200);
      expect(res.json().data.map((m: { id: string }) => m.id)).toEqual(['m', 'switchboard/active']);
    }
  });

  // S5: every route authenticates except the liveness probe (LiteLLM's unauthenticated /model/info).
  it('answers 401 on every registered route without a key, except liveness and readiness\'s bare status', async () => {
    const routes = gateway.app.printRoutes({ commonPrefix: false });
    expect(routes).toContain('chat/completions');
    const probes: [string, string][] = [
      ['POST', '/v1/chat/completions'], ['POST', '/chat/completions'], ['POST', '/v1/completions'], ['POST', '/completions'],
      ['POST', '/v1/embeddings'], ['POST', '/embeddings'], ['GET', '/v1/models'], ['GET', '/models'], ['GET', '/v1/models/m'],
      ['GET', '/models/m'],
    ];
    for (const [method, url] of probes) {
      const res = await gateway.app.inject({ method: method as 'GET', url, headers: json, payload: method === 'POST' ? chat : undefined });
      expect(res.statusCode, `${method} ${url}`).toBe(401);
      expect(res.json().error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key' });
    }
    const live = await gateway.app.inject({ method: 'GET', url: '/health/liveliness' });
    expect(live.statusCode).toBe(200);
    expect(live.json()).toBe("I'm alive!");
    const readiness = await gateway.app.inject({ method: 'GET', url: '/health/readiness' });
    expect(readiness.statusCode).toBe(200);
    expect(readiness.json()).toEqual({ status: 'ready' });
  });

  // S6: hostile key strings (CVE-2026-42208: SQL injection in LiteLLM's key lookup).
  it.each([
    ["Bearer ' OR '1'='1"],
    ['Bearer x"; DROP TABLE keys;--'],
    [`Bearer ${'k'.repeat(10_000)}`],
    ['Bearer sk-\u00e9t\u00e9'],
    ['Basic dXNlcjpwYXNz'],
    ['Bearer'],
    [`Bearer ${MASTER}x`],
    [`Bearer ${MASTER.slice(0, -1)}`],
    [`bearer  ${MASTER.toUpperCase()}`],
  ])('refuses %j with the same 401 body', async (authorization) => {
    const res = await gateway.app.inject({ method: 'POST', url: '/v1/chat/completions', headers: { ...json, authorization }, payload: chat });
    const reference = await gateway.app.inject({ method: 'POST', url: '/v1/chat/completions', headers: json, payload: chat });
    expect(res.statusCode).toBe(401);
    expect(res.body).toBe(reference.body);
  });

  it('refuses duplicate Authorization headers and conflicting key headers', async () => {
    const duplicate = await gateway.app.inject({ method: 'GET', url: '/v1/models', headers: { authorization: [`Bearer ${MASTER}`, 'Bearer other'] as unknown as string } });
    expect(duplicate.statusCode).toBe(401);
    const conflicting = await gateway.app.inject({ method: 'GET', url: '/v1/models', headers: { authorization: `Bearer ${MASTER}`, 'x-api-key': 'sk-other' } });
    expect(conflicting.statusCode).toBe(401);
  });

  it('never echoes the presented key or logs it', async () => {
    const secret = 'sk-CANARY-presented-key-9f8e7d';
    const res = await gateway.app.inject({ method: 'GET', url: '/v1/models', headers: { authorization: `Bearer ${secret}` } });
    expect(res.statusCode).toBe(401);
    expect(res.body + JSON.stringify(res.headers)).not.toContain(secret);
    expect(gateway.logs.join('')).not.toContain(secret);
  });
});
