// The trust zones, enumerated from the server's own onRoute record rather than a hand-written
// list: every route sits in the zone its path says; a browser origin allowed for inference gets
// CORS there and nothing on the management API (it turned body logging on and listed keys from a
// web page, issue 11 item 1); the management API admits the dashboard's own origin only, without
// CORS headers, and one role hook refuses virtual keys on every admin route. The inference routes
// admit the own origin too (the playground), never with CORS headers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OWN_ORIGIN, startManagementGateway, type ManagementGateway } from '../../../support/management-gateway.js';
import type { RegisteredRoute } from '../../../../main/gateway/zones/route-zone.js';

const ALLOWED = 'http://localhost:5173';
let gateway: ManagementGateway;
let keyId: string;
let virtualKey: string;
let storedModelId: string;

beforeAll(async () => {
  gateway = await startManagementGateway();
  expect((await gateway.send('POST', '/settings', { body: { allowed_origins: [ALLOWED] } })).statusCode).toBe(200);
  const created = gateway.keys.create({ key_alias: 'app' });
  keyId = created.record.id;
  virtualKey = created.key;
  const model = await gateway.send('POST', '/model/new', { body: { model_name: 'stored', litellm_params: { model: 'openai/s', api_base: 'http://127.0.0.1:9/v1' } } });
  expect(model.statusCode).toBe(200);
  storedModelId = model.json().model_info.id;
  expect((await gateway.send('POST', '/active-model', { body: { model: 'm', alias: 'keep' } })).statusCode).toBe(200);
});
afterAll(() => gateway.dispose());

/** The zone a path belongs to, from its shape alone. */
function zoneOf(url: string): RegisteredRoute['zone'] {
  if (url === '/' || url.startsWith('/assets/')) return 'dashboard';
  if (/^(\/v1)?\/(chat\/completions|completions|embeddings|models|messages|responses)(\/|$)/.test(url) || url.startsWith('/api/')) return 'inference';
  return 'management';
}

/** A concrete URL for a route pattern, naming things that exist (so an admitted request would act). */
function concrete(url: string): string {
  return url
    .replace(':key', keyId)
    .replace(':name', 'upstream')
    .replace('/active-model/aliases/*', '/active-model/aliases/keep')
    .replace('/assets/*', '/assets/app.js')
    .replace('/*', '/m');
}

/** Bodies that would change something if the request were admitted. */
function bodyFor(method: string, url: string): unknown {
  if (!['POST', 'PUT', 'PATCH'].includes(method)) return undefined;
  const bodies: Record<string, unknown> = {
    '/settings': { body_logging: true, allowed_origins: [] },
    '/key/generate': { key_alias: 'from-a-web-page' },
    '/key/update': { key: keyId, key_alias: 'renamed' },
    '/key/delete': { keys: [keyId] },
    '/key/regenerate': { key: keyId },
    '/key/block': { key: keyId },
    '/key/unblock': { key: keyId },
    '/model/new': { model_name: 'page', litellm_params: { model: 'openai/p', api_base: 'http://127.0.0.1:9/v1' } },
    '/model/update': { model_info: { id: storedModelId }, model_name: 'renamed' },
    '/model/delete': { id: storedModelId },
    '/model/test': { model: 'm' },
    '/active-model': { model: 'm', alias: 'from-a-web-page' },
    '/credentials': { name: 'page', value: 'sk-from-a-web-page-0000' },
    '/credentials/:name': { value: 'sk-changed-by-a-web-page-0000' },
  };
  return bodies[url] ?? {};
}

async function snapshot(): Promise<unknown> {
  const read = async (url: string) => (await gateway.send('GET', url)).json();
  return {
    settings: await read('/settings'),
    keys: await read('/key/list'),
    models: await read('/model/info'),
    credentials: await read('/credentials'),
    activeModel: await read('/active-model'),
    upstreamSecret: await gateway.secrets.get('upstream'),
  };
}

/** Management routes by path shape, so this list never depends on the tags it checks. */
const management = () => gateway.routes().filter((r) => zoneOf(r.url) === 'management');

describe('trust zones', () => {
  it('puts every route in the zone its path says, and none outside a zone', () => {
    const routes = gateway.routes();
    expect(routes.length).toBeGreaterThan(40);
    // The Ollama listener's `/` ("Ollama is running") is an inference route; the main port's `/` stays the dashboard's.
    for (const route of routes) expect(route.zone, `${route.method} ${route.url}`).toBe(route.listener === 'ollama' ? 'inference' : zoneOf(route.url));
    expect(routes.filter((r) => r.listener === 'ollama').map((r) => `${r.method} ${r.url}`)).toEqual(['GET /', 'OPTIONS /', 'HEAD /']);
    expect(management().map((r) => r.url)).toEqual(expect.arrayContaining(['/key/list', '/settings', '/credentials', '/spend/logs', '/v2/model/info', '/health/liveliness']));
  });

  it('refuses a browser origin allowed for inference on every management route, and nothing changes', async () => {
    const before = await snapshot();
    for (const route of management()) {
      const url = concrete(route.url);
      const res = await gateway.send(route.method, url, { body: bodyFor(route.method, route.url), headers: { origin: ALLOWED } });
      const where = `${route.method} ${url}`;
      expect(res.statusCode, where).toBe(403);
      if (route.method !== 'HEAD') expect(res.json().error, where).toMatchObject({ type: 'permission_error', code: 'forbidden_origin' });
      expect(res.headers['access-control-allow-origin'], where).toBeUndefined();
    }
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a Referer from an allowed origin on management routes too', async () => {
    const res = await gateway.send('POST', '/settings', { body: { body_logging: true }, headers: { referer: `${ALLOWED}/app` } });
    expect(res.statusCode).toBe(403);
    expect(gateway.settings.values().bodyLogging).toBe(false);
  });

  it.each([OWN_ORIGIN, 'http://localhost:4141', 'http://[::1]:4141'])('admits the dashboard from its own origin %s, without CORS headers', async (origin) => {
    const read = await gateway.send('GET', '/settings', { headers: { origin } });
    expect(read.statusCode).toBe(200);
    expect(read.headers['access-control-allow-origin']).toBeUndefined();
    const list = await gateway.send('GET', '/key/list', { headers: { origin } });
    expect(list.statusCode).toBe(200);
    expect(list.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('admits the allowed origin on inference routes, with CORS for it alone, and answers its preflight', async () => {
    const models = await gateway.send('GET', '/v1/models', { headers: { origin: ALLOWED } });
    expect(models.statusCode).toBe(200);
    expect(models.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(models.headers.vary).toContain('Origin');
    const tokens = await gateway.send('POST', '/v1/messages/count_tokens', { body: { model: 'm', messages: [{ role: 'user', content: 'hi' }] }, headers: { origin: ALLOWED } });
    expect(tokens.statusCode).toBe(200);
    expect(tokens.headers['access-control-allow-origin']).toBe(ALLOWED);
    const preflight = await gateway.send('OPTIONS', '/v1/chat/completions', { key: null, headers: { origin: ALLOWED, 'access-control-request-method': 'POST' } });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(preflight.headers['access-control-allow-methods']).toContain('POST');
  });

  it('answers no preflight on management routes, even for the allowed origin', async () => {
    const res = await gateway.send('OPTIONS', '/settings', { key: null, headers: { origin: ALLOWED, 'access-control-request-method': 'POST' } });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('admits the gateway own origin on inference routes (the dashboard playground), without CORS headers, with the key it sends deciding', async () => {
    const res = await gateway.send('GET', '/v1/models', { headers: { origin: OWN_ORIGIN } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const keyless = await gateway.send('GET', '/v1/models', { key: null, headers: { origin: OWN_ORIGIN } });
    expect(keyless.statusCode).toBe(401);
    const lookalike = await gateway.send('GET', '/v1/models', { headers: { origin: `${OWN_ORIGIN}.evil.example` } });
    expect(lookalike.statusCode).toBe(403);
  });

  it('keeps refusals on the Anthropic routes in Anthropic shape', async () => {
    const res = await gateway.send('POST', '/v1/messages', { body: { model: 'm' }, headers: { origin: 'https://evil.example' } });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
  });

  it('needs the admin key on every management route but the liveness probes (public) and readiness (status without a key, the report with any key)', async () => {
    const open = new Set(['/health/liveliness', '/health/liveness']);
    const anyKey = new Set(['/health/readiness']);
    const keylessStatus = new Set(['/health/readiness']);
    for (const route of management()) {
      const url = concrete(route.url);
      const where = `${route.method} ${url}`;
      const body = bodyFor(route.method, route.url);
      const withoutKey = await gateway.send(route.method, url, { body, key: null });
      const withVirtualKey = await gateway.send(route.method, url, { body, key: virtualKey });
      if (open.has(route.url)) {
        expect(withoutKey.statusCode, where).toBe(200);
        continue;
      }
      if (keylessStatus.has(route.url)) {
        expect(withoutKey.statusCode, where).toBe(200);
        if (route.method !== 'HEAD') expect(withoutKey.json(), where).toEqual({ status: 'ready' });
      } else expect(withoutKey.statusCode, where).toBe(401);
      if (anyKey.has(route.url)) {
        expect(withVirtualKey.statusCode, where).toBe(200);
        continue;
      }
      expect(withVirtualKey.statusCode, where).toBe(403);
      if (route.method !== 'HEAD') expect(withVirtualKey.json().error.code, where).toBe('admin_only');
    }
  });
});
