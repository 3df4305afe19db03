import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../../support/test-gateway.js';
import type { AdminKeySaved } from '../../../../main/secrets/data-dir-admin-key.js';
import type { AdminKeyOrigin } from '../../../../main/gateway/routes/admin-key-routes.js';
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

const DATA_DIR_SAVED: AdminKeySaved = { stored_in: 'keychain', location: 'Secret Service, account "switchboard-admin-key-0a1b2c"' };

async function start(options: { masterKey?: string; origin?: AdminKeyOrigin; save?: (key: string) => Promise<AdminKeySaved>; replace?: (key: string) => Promise<AdminKeySaved> } = {}) {
  const kept: string[] = [];
  const told: string[] = [];
  const replaced: string[] = [];
  const rotatedTold: string[] = [];
  let removed = 0;
  gateway = await startTestGateway(YAML, {
    ...(options.masterKey ? { masterKey: options.masterKey } : {}),
    virtualKeys: { verify: (key: string) => (key === `sk-${'v'.repeat(43)}` ? VIRTUAL : undefined) },
    requireKeys: {
      origin: options.origin ?? (options.masterKey ? { source: 'data_dir', saved: DATA_DIR_SAVED } : { source: 'none' }),
      save: options.save ?? (async (key) => (kept.push(key), { stored_in: 'file', location: '/data/admin-key.json' })),
      replace: options.replace ?? (async (key) => (replaced.push(key), { stored_in: 'file', location: '/data/admin-key.json' })),
      remove: async () => void removed++,
      onRequired: (key) => void told.push(key),
      onRotated: (key) => void rotatedTold.push(key),
    },
  });
  return { kept, told, replaced, rotatedTold, removed: () => removed };
}

const postRequire = (headers: Record<string, string> = {}) =>
  gateway!.app.inject({ method: 'POST', url: '/admin-key/require', headers: { 'content-type': 'application/json', ...headers }, payload: '{}' });
const settings = (headers: Record<string, string> = {}) => gateway!.app.inject({ method: 'GET', url: '/active-model', headers });

describe('admin-key-routes: require', () => {
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

const ADMIN = 'sk-master-admin-key-routes-01';
const asAdmin = { authorization: `Bearer ${ADMIN}` };
const post = (url: string, headers: Record<string, string> = {}, payload = '{}', remoteAddress?: string) =>
  gateway!.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, payload, ...(remoteAddress ? { remoteAddress } : {}) });
const REMOVE = JSON.stringify({ confirm: true });

describe('admin-key-routes: rotate', () => {
  it('answers a new key once, keeps it in place of the old one, and refuses the old one from the next request on', async () => {
    const { replaced, rotatedTold } = await start({ masterKey: ADMIN });
    const res = await post('/admin-key/rotate', asAdmin);
    expect(res.statusCode).toBe(200);
    const body = res.json() as { key: string; stored_in: string; location: string };
    expect(body.key).toMatch(/^sk-admin-[A-Za-z0-9_-]{43}$/);
    expect(body.key).not.toBe(ADMIN);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(replaced).toEqual([body.key]);
    expect(rotatedTold).toEqual([body.key]);
    expect((await settings(asAdmin)).statusCode).toBe(401);
    expect((await settings({ authorization: `Bearer ${body.key}` })).statusCode).toBe(200);
    expect((await gateway!.app.inject({ method: 'GET', url: '/admin-key', headers: { authorization: `Bearer ${body.key}` } })).json())
      .toEqual({ required: true, source: 'data_dir', location: '/data/admin-key.json', manageable: true });
  });

  it('rotates the key "Require keys" just created in this run', async () => {
    await start();
    const required = (await postRequire()).json() as { key: string };
    const rotated = await post('/admin-key/rotate', { authorization: `Bearer ${required.key}` });
    expect(rotated.statusCode).toBe(200);
    expect((await settings({ authorization: `Bearer ${required.key}` })).statusCode).toBe(401);
  });

  it.each<[string, AdminKeyOrigin, RegExp]>([
    ['SWITCHBOARD_MASTER_KEY', { source: 'environment', variable: 'SWITCHBOARD_MASTER_KEY' }, /comes from the environment variable SWITCHBOARD_MASTER_KEY, not from "Require keys", so it cannot be rotated here: change it there and restart Switchboard/],
    ['LITELLM_MASTER_KEY', { source: 'environment', variable: 'LITELLM_MASTER_KEY' }, /the environment variable LITELLM_MASTER_KEY/],
    ['general_settings.master_key', { source: 'config', file: '/etc/switchboard/config.yaml' }, /general_settings\.master_key in \/etc\/switchboard\/config\.yaml/],
  ])('is refused for a key set by %s, which keeps working', async (_name, origin, message) => {
    const { replaced } = await start({ masterKey: ADMIN, origin });
    const res = await post('/admin-key/rotate', asAdmin);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toMatch(message);
    expect(replaced).toEqual([]);
    expect((await settings(asAdmin)).statusCode).toBe(200);
  });

  it.each([
    ['no key', {}, 401],
    ['a wrong key', { authorization: 'Bearer sk-master-not-the-admin-key-0' }, 401],
    ['a virtual key', { authorization: `Bearer sk-${'v'.repeat(43)}` }, 403],
    ['another web page (CSRF)', { ...asAdmin, origin: 'https://evil.example' }, 403],
    ['a rebinding DNS name', { ...asAdmin, host: 'evil.example:80' }, 403],
    ['a form post (simple-request CSRF)', { ...asAdmin, 'content-type': 'text/plain' }, 415],
  ])('is refused to %s and the key stays', async (_name, headers, status) => {
    const { replaced } = await start({ masterKey: ADMIN });
    const res = await post('/admin-key/rotate', headers);
    expect(res.statusCode).toBe(status);
    expect(replaced).toEqual([]);
    expect((await settings(asAdmin)).statusCode).toBe(200);
  });

  it('is refused from another machine, even with the admin key', async () => {
    const { replaced } = await start({ masterKey: ADMIN });
    const res = await post('/admin-key/rotate', asAdmin, '{}', '192.168.1.5');
    expect(res.statusCode).toBe(403);
    expect(replaced).toEqual([]);
  });

  it('is a 409 in open mode: there is no key to rotate', async () => {
    await start();
    const res = await post('/admin-key/rotate');
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toContain('No admin key is in effect');
  });

  it('makes one key for two clicks at once: the second is a 409', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const keptKeys: string[] = [];
    await start({ masterKey: ADMIN, replace: async (key) => { keptKeys.push(key); await held; return { stored_in: 'file', location: '/data/admin-key.json' }; } });
    const first = post('/admin-key/rotate', asAdmin);
    await new Promise<void>((resolve) => setImmediate(resolve));
    const second = await post('/admin-key/rotate', asAdmin);
    expect(second.statusCode).toBe(409);
    release();
    expect((await first).statusCode).toBe(200);
    expect(keptKeys).toHaveLength(1);
  });

  it('keeps the old key in effect when the new one cannot be kept', async () => {
    await start({ masterKey: ADMIN, replace: async () => { throw new Error('EACCES: permission denied'); } });
    const res = await post('/admin-key/rotate', asAdmin);
    expect(res.statusCode).toBe(503);
    expect(res.json().error.message).toContain('the current one stays in effect');
    expect((await settings(asAdmin)).statusCode).toBe(200);
  });
});

describe('admin-key-routes: remove', () => {
  it('opens the gateway again at once, after forgetting the key', async () => {
    const { removed } = await start({ masterKey: ADMIN });
    expect((await settings()).statusCode).toBe(401);
    const res = await post('/admin-key/remove', asAdmin, REMOVE);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ required: false });
    expect(removed()).toBe(1);
    expect((await settings()).statusCode).toBe(200);
    expect((await gateway!.app.inject({ method: 'GET', url: '/admin-key' })).json()).toEqual({ required: false, source: 'none', location: null, manageable: false });
    // Open again, so "Require keys" works again.
    expect((await postRequire()).statusCode).toBe(200);
  });

  it('needs "confirm": true', async () => {
    const { removed } = await start({ masterKey: ADMIN });
    const res = await post('/admin-key/remove', asAdmin, '{}');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.param).toBe('confirm');
    expect(removed()).toBe(0);
    expect((await settings()).statusCode).toBe(401);
  });

  it.each<[string, AdminKeyOrigin, string]>([
    ['SWITCHBOARD_MASTER_KEY', { source: 'environment', variable: 'SWITCHBOARD_MASTER_KEY' }, 'the environment variable SWITCHBOARD_MASTER_KEY'],
    ['general_settings.master_key', { source: 'config', file: '/etc/switchboard/config.yaml' }, 'general_settings.master_key in /etc/switchboard/config.yaml'],
    ['the program that started it', { source: 'startup' }, 'the key Switchboard was started with'],
  ])('is refused for a key set by %s, naming where it comes from, and keys stay required', async (_name, origin, where) => {
    const { removed } = await start({ masterKey: ADMIN, origin });
    const res = await post('/admin-key/remove', asAdmin, REMOVE);
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toContain(`The admin key comes from ${where}`);
    expect(res.json().error.message).toContain('unset it there and restart Switchboard');
    expect(removed()).toBe(0);
    expect((await settings()).statusCode).toBe(401);
    expect((await gateway!.app.inject({ method: 'GET', url: '/admin-key', headers: asAdmin })).json()).toMatchObject({ required: true, source: origin.source, manageable: false });
  });

  it.each([
    ['no key', {}, 401],
    ['a virtual key', { authorization: `Bearer sk-${'v'.repeat(43)}` }, 403],
    ['another web page (CSRF)', { ...asAdmin, origin: 'https://evil.example' }, 403],
    ['a rebinding DNS name', { ...asAdmin, host: 'evil.example:80' }, 403],
    ['a form post (simple-request CSRF)', { ...asAdmin, 'content-type': 'text/plain' }, 415],
  ])('is refused to %s and keys stay required', async (_name, headers, status) => {
    const { removed } = await start({ masterKey: ADMIN });
    const res = await post('/admin-key/remove', headers, REMOVE);
    expect(res.statusCode).toBe(status);
    expect(removed()).toBe(0);
    expect((await settings()).statusCode).toBe(401);
  });
});
