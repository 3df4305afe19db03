import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../../support/test-gateway.js';
import { createMemorySecretStore } from '../../../../main/secrets/memory-secret-store.js';
import { withSecretTimeout } from '../../../../main/secrets/with-secret-timeout.js';
import { SecretStoreError, type SecretStore } from '../../../../main/secrets/secret-store.js';
import { ADMIN_KEY_NAME } from '../../../../main/secrets/admin-key.js';
import type { UpstreamClient } from '../../../../main/providers/upstream-client.js';
import type { Principal } from '../../../../main/core/principal.js';

const MASTER = 'sk-master-credential-routes-0001';
const SECRET = 'sk-proj-SECRET-VALUE-0123456789wxyz';
const YAML = `model_list:
  - model_name: gpt-kc
    litellm_params: { model: openai/gpt-4o, api_base: "http://127.0.0.1:9/v1", api_key: keychain/openai }
  - model_name: gpt-kc-2
    litellm_params: { model: openai/gpt-4o-mini, api_base: "http://127.0.0.1:9/v1", api_key: keychain/openai }
  - model_name: gpt-missing
    litellm_params: { model: openai/o3, api_base: "http://127.0.0.1:9/v1", api_key: keychain/not-added-yet }
  - model_name: gpt-env
    litellm_params: { model: openai/o4, api_base: "http://127.0.0.1:9/v1", api_key: os.environ/OPENAI_API_KEY }
  - model_name: gpt-literal
    litellm_params: { model: openai/o5, api_base: "http://127.0.0.1:9/v1", api_key: sk-literal-0123456789abcd }
`;
const ENV = { OPENAI_API_KEY: 'sk-env-value-0123456789efgh' };

/** Upstream calls must not happen in these tests; count any that do. */
function noUpstream(): UpstreamClient & { calls: number } {
  const client = {
    calls: 0,
    async send(): Promise<never> {
      client.calls += 1;
      throw new Error('no upstream in this test');
    },
    async close() {},
  };
  return client;
}

let gateway: TestGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

async function start(store: SecretStore, options: { virtual?: boolean } = {}) {
  const upstream = noUpstream();
  const virtual: Principal = { kind: 'virtual', keyId: 'key_1', alias: 'app', models: [], rpmLimit: null, tpmLimit: null, maxParallelRequests: null, hasBudget: false };
  gateway = await startTestGateway(YAML, {
    masterKey: MASTER,
    env: ENV,
    upstream,
    credentials: { store, env: ENV },
    ...(options.virtual ? { virtualKeys: { verify: (key: string) => (key === 'sk-virtual' ? virtual : undefined) } } : {}),
  });
  return { gateway, upstream };
}

function call(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, key = MASTER) {
  return gateway!.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}

describe('credential-routes', () => {
  it('stores a new credential and answers with a mask and where it lives, never the key', async () => {
    const store = createMemorySecretStore();
    await start(store);
    const res = await call('POST', '/credentials', { name: 'openai', value: SECRET });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({
      name: 'openai',
      stored_in: 'keychain',
      location: 'memory (this process only), account "openai"',
      mask: 'sk-...wxyz',
      missing: false,
      used_by: ['gpt-kc', 'gpt-kc-2'],
      replaced: false,
    });
    expect(res.body).not.toContain('SECRET-VALUE');
    expect(await store.get('openai')).toBe(SECRET);
  });

  it('replaces with POST, PUT or PATCH (200, replaced: true)', async () => {
    const store = createMemorySecretStore({ openai: 'sk-old-0123456789abcd' });
    await start(store);
    const post = await call('POST', '/credentials', { name: 'openai', value: 'sk-new1-0123456789aaaa' });
    expect(post.statusCode).toBe(200);
    expect(post.json()).toMatchObject({ replaced: true, mask: 'sk-...aaaa' });
    const put = await call('PUT', '/credentials/openai', { value: 'sk-new2-0123456789bbbb' });
    expect(put.json()).toMatchObject({ replaced: true, mask: 'sk-...bbbb' });
    const patch = await call('PATCH', '/credentials/openai', { value: 'sk-new3-0123456789cccc' });
    expect(patch.json()).toMatchObject({ replaced: true, mask: 'sk-...cccc' });
    expect(await store.get('openai')).toBe('sk-new3-0123456789cccc');
  });

  it("accepts LiteLLM's {credential_name, credential_values: {api_key}} and trims pasted whitespace", async () => {
    const store = createMemorySecretStore();
    await start(store);
    const res = await call('POST', '/credentials', { credential_name: 'azure', credential_values: { api_key: `  ${SECRET}\n` } });
    expect(res.statusCode).toBe(201);
    expect(await store.get('azure')).toBe(SECRET);
  });

  it('lists keychain, environment and plaintext-config keys with masks, and flags referenced keys that are missing', async () => {
    await start(createMemorySecretStore({ openai: SECRET, unused: 'sk-unused-0123456789uuuu', [ADMIN_KEY_NAME]: 'sk-admin-hidden-000000000' }));
    const res = await call('GET', '/credentials');
    expect(res.statusCode).toBe(200);
    const body = res.json() as { data: Array<Record<string, unknown>>; store: unknown };
    expect(body.store).toEqual({ kind: 'memory', location: 'memory (this process only)', available: true });
    expect(body.data).toEqual([
      { name: 'openai', stored_in: 'keychain', location: 'memory (this process only), account "openai"', mask: 'sk-...wxyz', missing: false, used_by: ['gpt-kc', 'gpt-kc-2'] },
      { name: 'unused', stored_in: 'keychain', location: 'memory (this process only), account "unused"', mask: 'sk-...uuuu', missing: false, used_by: [] },
      { name: 'not-added-yet', stored_in: 'keychain', location: 'memory (this process only), account "not-added-yet"', mask: null, missing: true, used_by: ['gpt-missing'] },
      { name: 'OPENAI_API_KEY', stored_in: 'environment', location: 'environment variable OPENAI_API_KEY', mask: 'sk-...efgh', missing: false, used_by: ['gpt-env'] },
      {
        name: 'gpt-literal#4', stored_in: 'config_file',
        location: 'plaintext in test.yaml (move it to the OS keychain: switchboard keys import --config test.yaml)',
        mask: 'sk-...abcd', missing: false, used_by: ['gpt-literal'],
      },
    ]);
    for (const secret of [SECRET, 'sk-unused-0123456789uuuu', 'sk-admin-hidden', ENV.OPENAI_API_KEY, 'sk-literal-0123456789abcd']) expect(res.body).not.toContain(secret);
  });

  it('shows one credential by name, 404 when absent', async () => {
    await start(createMemorySecretStore({ openai: SECRET }));
    const one = await call('GET', '/credentials/openai');
    expect(one.json()).toMatchObject({ name: 'openai', mask: 'sk-...wxyz' });
    expect(one.body).not.toContain('SECRET-VALUE');
    expect((await call('GET', '/credentials/nope')).statusCode).toBe(404);
  });

  it('deletes a credential, says which models still reference it, and 404s the second time', async () => {
    const store = createMemorySecretStore({ openai: SECRET });
    await start(store);
    const res = await call('DELETE', '/credentials/openai');
    expect(res.json()).toEqual({ name: 'openai', deleted: true, still_referenced_by: ['gpt-kc', 'gpt-kc-2'] });
    expect(await store.get('openai')).toBeUndefined();
    expect((await call('DELETE', '/credentials/openai')).statusCode).toBe(404);
  });

  it.each([
    ['a bad name', { name: 'has space', value: SECRET }, 'name'],
    ['the reserved admin key name', { name: ADMIN_KEY_NAME, value: SECRET }, 'name'],
    ['no value', { name: 'openai' }, 'value'],
    ['a non-string value', { name: 'openai', value: 12345 }, 'value'],
    ['an empty value', { name: 'openai', value: '   ' }, 'value'],
    ['a value with a line break inside', { name: 'openai', value: 'sk-SECRET-line\nbreak-0123' }, 'value'],
    ['an oversized value', { name: 'openai', value: `sk-SECRET-${'x'.repeat(9000)}` }, 'value'],
  ])('refuses %s with a 400 that does not repeat the value', async (_case, body, param) => {
    const store = createMemorySecretStore();
    await start(store);
    const res = await call('POST', '/credentials', body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.param).toBe(param);
    expect(res.body).not.toContain('SECRET');
    expect(await store.list()).toEqual([]);
  });

  it('refuses to show, replace or delete the admin key through the API', async () => {
    const store = createMemorySecretStore({ [ADMIN_KEY_NAME]: 'sk-admin-0123456789' });
    await start(store);
    for (const res of [await call('GET', `/credentials/${ADMIN_KEY_NAME}`), await call('PUT', `/credentials/${ADMIN_KEY_NAME}`, { value: 'x' }), await call('DELETE', `/credentials/${ADMIN_KEY_NAME}`)]) {
      expect(res.statusCode).toBe(400);
    }
    expect(await store.get(ADMIN_KEY_NAME)).toBe('sk-admin-0123456789');
  });

  it('is admin only: a virtual key gets 403, no key 401', async () => {
    const store = createMemorySecretStore({ openai: SECRET });
    await start(store, { virtual: true });
    expect((await call('GET', '/credentials', undefined, 'sk-virtual')).statusCode).toBe(403);
    expect((await call('POST', '/credentials', { name: 'x', value: SECRET }, 'sk-virtual')).statusCode).toBe(403);
    expect((await gateway!.app.inject({ method: 'GET', url: '/credentials' })).statusCode).toBe(401);
    expect(await store.list()).toEqual(['openai']);
  });

  it.each([
    ['missing', new SecretStoreError('unavailable', 'set', 'No Secret Service is running: install GNOME Keyring (apt install gnome-keyring)')],
    ['locked', new SecretStoreError('locked', 'set', 'The keyring is locked: unlock it')],
  ])('answers 503 with what to do when the keychain is %s, and keeps the value nowhere', async (_case, error) => {
    const inner = createMemorySecretStore();
    const broken: SecretStore = { ...inner, get: async () => undefined, set: async () => { throw error; } };
    await start(broken);
    const res = await call('POST', '/credentials', { name: 'openai', value: SECRET });
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toEqual({
      message: `The OS keychain could not store the credential: ${error.message}`,
      type: 'api_error',
      param: null,
      code: 'service_unavailable',
    });
    expect(res.body).not.toContain('SECRET-VALUE');
    expect(await inner.list()).toEqual([]);
  });

  it('lists the environment and config references with the keychain problem beside them when the keychain cannot be read', async () => {
    const unavailable = new SecretStoreError('unavailable', 'list', 'No D-Bus session bus, so the OS keychain (Secret Service) cannot be reached.');
    const broken: SecretStore = { ...createMemorySecretStore(), list: async () => { throw unavailable; }, get: async () => { throw unavailable; } };
    await start(broken);
    const res = await call('GET', '/credentials');
    expect(res.statusCode).toBe(200);
    const body = res.json() as { data: Array<{ name: string; stored_in: string }>; store: { available: boolean; problem: string } };
    expect(body.store).toMatchObject({ available: false, problem: unavailable.message });
    expect(body.data.map((c) => `${c.stored_in} ${c.name}`)).toEqual(expect.arrayContaining(['environment OPENAI_API_KEY', 'keychain openai']));
    expect(res.body).not.toContain(ENV.OPENAI_API_KEY);
  });

  it('answers 503 instead of hanging when the keychain never answers', async () => {
    const hang = () => new Promise<never>(() => undefined);
    // The deadline "passes" as soon as it is set: no wall clock in the test.
    const store = withSecretTimeout({ ...createMemorySecretStore(), get: hang, set: hang, list: hang }, { schedule: (fire) => (queueMicrotask(fire), () => undefined) });
    await start(store);
    const res = await call('POST', '/credentials', { name: 'openai', value: SECRET });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.message).toMatch(/^The OS keychain could not store the credential: The OS keychain did not answer within 5 s \(reading "openai"\)/);
  });

  it('fails requests for a model whose keychain key is missing with a clear 503 and never calls upstream without it', async () => {
    const { upstream } = await start(createMemorySecretStore());
    const res = await gateway!.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ model: 'gpt-missing', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.message).toMatch(/"not-added-yet" is not in the OS keychain/);
    expect(upstream.calls).toBe(0);
  });
});
