import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../../support/test-gateway.js';
import type { AdminKeySaved } from '../../../../main/secrets/data-dir-admin-key.js';
import type { Principal } from '../../../../main/core/principal.js';

const YAML = `model_list:
  - model_name: local
    litellm_params: { model: hosted_vllm/m, api_base: "http://127.0.0.1:9/v1" }
`;
const VIRTUAL: Principal = { kind: 'virtual', keyId: 'key_1', alias: 'app', models: [], rpmLimit: null, tpmLimit: null, maxParallelRequests: null, hasBudget: false };

let gateway: TestGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

async function start(options: { masterKey?: string; save?: (key: string) => Promise<AdminKeySaved> } = {}) {
  const kept: string[] = [];
  const told: string[] = [];
  gateway = await startTestGateway(YAML, {
    ...(options.masterKey ? { masterKey: options.masterKey } : {}),
    virtualKeys: { verify: (key: string) => (key === `sk-${'v'.repeat(43)}` ? VIRTUAL : undefined) },
    requireKeys: {
      save: options.save ?? (async (key) => (kept.push(key), { stored_in: 'file', location: '/data/admin-key.json' })),
      onRequired: (key) => void told.push(key),
    },
  });
  return { kept, told };
}

const postRequire = (headers: Record<string, string> = {}) =>
  gateway!.app.inject({ method: 'POST', url: '/admin-key/require', headers: { 'content-type': 'application/json', ...headers }, payload: '{}' });
const settings = (headers: Record<string, string> = {}) => gateway!.app.inject({ method: 'GET', url: '/active-model', headers });

describe('admin-key-routes', () => {
  it('creates an admin key, keeps it, and requires it from the next request on', async () => {
    const { kept, told } = await start();
    const res = await postRequire();
    expect(res.statusCode).toBe(200);
    const body = res.json() as { key: string; stored_in: string; location: string };
    expect(body.key).toMatch(/^sk-admin-[A-Za-z0-9_-]{43}$/);
    expect(body).toMatchObject({ stored_in: 'file', location: '/data/admin-key.json' });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(kept).toEqual([body.key]);
    expect(told).toEqual([body.key]);
    expect((await settings()).statusCode).toBe(401);
    expect((await settings({ authorization: `Bearer ${body.key}` })).statusCode).toBe(200);
  });

  it('works only while the gateway is open: a second call, even with the admin key, is a 409', async () => {
    await start({ masterKey: 'sk-master-admin-key-routes-01' });
    const res = await postRequire({ authorization: 'Bearer sk-master-admin-key-routes-01' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: { code: 'invalid_request' } });
  });

  it.each([
    ['another web page (CSRF)', { origin: 'https://evil.example' }, 403],
    ['a cross-site fetch without Origin', { 'sec-fetch-site': 'cross-site' }, 403],
    ['a rebinding DNS name', { host: 'evil.example:80' }, 403],
    ['a virtual key', { authorization: `Bearer sk-${'v'.repeat(43)}` }, 403],
    ['a form post (simple-request CSRF)', { 'content-type': 'text/plain' }, 415],
  ])('is refused to %s and leaves the gateway open', async (_name, headers, status) => {
    const { kept } = await start();
    const res = await postRequire(headers);
    expect(res.statusCode).toBe(status);
    expect(kept).toEqual([]);
    expect((await settings()).statusCode).toBe(200);
  });

  it('leaves the gateway open when the key cannot be kept, and says so', async () => {
    await start({ save: async () => { throw new Error('EACCES: permission denied'); } });
    const res = await postRequire();
    expect(res.statusCode).toBe(503);
    expect((res.json() as { error: { message: string } }).error.message).toContain('keys are still not required');
    expect((await settings()).statusCode).toBe(200);
  });

  it('takes no fields', async () => {
    await start();
    const res = await gateway!.app.inject({ method: 'POST', url: '/admin-key/require', headers: { 'content-type': 'application/json' }, payload: '{"key":"mine-0123456789abcdef"}' });
    expect(res.statusCode).toBe(400);
    expect((await settings()).statusCode).toBe(200);
  });
});
