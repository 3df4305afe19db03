// GET/POST /settings over app.inject: defaults, validation that names the field without echoing
// it, persistence in the settings table, restart-required settings refused, and S3: the allowed
// browser origins change what the live Origin guard admits (GPT4All #3681, Jan "toggle not wired").
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../main/config/load-config.js';
import { createServer, type Gateway } from '../../../../main/gateway/create-server.js';
import { createGatewaySettings } from '../../../../main/config/gateway-settings.js';
import { createSettingsRepository } from '../../../../main/storage/settings-repository.js';
import { gatewaySettingsSchema } from '../../../../shared/api/settings-schemas.js';
import { openTempDatabase, type TempDatabase } from '../../storage/storage-test-kit.js';

const MASTER = 'sk-master-settings-0123456789';
const ORIGIN = 'http://localhost:5173';
const open: { db: TempDatabase[]; gateways: Gateway[] } = { db: [], gateways: [] };
afterEach(async () => {
  for (const g of open.gateways.splice(0)) await g.close();
  for (const d of open.db.splice(0)) d.dispose();
});

async function start(db = openTempDatabase(), options: { masterKey?: string; host?: string; yaml?: string } = { masterKey: MASTER }) {
  if (!open.db.includes(db)) open.db.push(db);
  const gateway = await createServer({
    config: parseConfigText(options.yaml ?? 'model_list: []\n', 'c.yaml', {}), log: pino({ level: 'silent' }), masterKey: options.masterKey, port: 80,
    gatewaySettings: createGatewaySettings(createSettingsRepository(db.db)), ...(options.host ? { host: options.host } : {}),
  });
  open.gateways.push(gateway);
  return { gateway, db };
}

const send = (g: Gateway, method: 'GET' | 'POST', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
  g.app.inject({ method, url, headers: { authorization: `Bearer ${MASTER}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers }, ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }) });

describe('settings routes', () => {
  it('answers the defaults: 30 days, body logging off, no origins, and how the server was started', async () => {
    const { gateway } = await start();
    const body = gatewaySettingsSchema.parse((await send(gateway, 'GET', '/settings')).json());
    expect(body).toEqual({
      retention_days: 30, body_logging: false, allowed_origins: [],
      ollama_api: { allow_without_key: false, models: [], listener_port: null },
      server: { host: '127.0.0.1', port: 80, lan_access: false, admin_key_set: true },
    });
  });

  it('reports LAN access when bound beyond loopback', async () => {
    const { gateway } = await start(undefined, { masterKey: MASTER, host: '0.0.0.0' });
    expect((await send(gateway, 'GET', '/settings')).json().server).toMatchObject({ host: '0.0.0.0', lan_access: true });
  });

  it('stores a change and still has it after a restart', async () => {
    const db = openTempDatabase();
    const first = await start(db);
    const res = await send(first.gateway, 'POST', '/settings', { retention_days: 7, body_logging: true, allowed_origins: [ORIGIN, ORIGIN] });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ retention_days: 7, body_logging: true, allowed_origins: [ORIGIN] });
    await first.gateway.close();
    const second = await start(db);
    expect((await send(second.gateway, 'GET', '/settings')).json()).toMatchObject({ retention_days: 7, body_logging: true, allowed_origins: [ORIGIN] });
  });

  it('changes only the fields sent', async () => {
    const { gateway } = await start();
    await send(gateway, 'POST', '/settings', { allowed_origins: [ORIGIN] });
    await send(gateway, 'POST', '/settings', { retention_days: 90 });
    expect((await send(gateway, 'GET', '/settings')).json()).toMatchObject({ retention_days: 90, allowed_origins: [ORIGIN] });
  });

  it.each([
    [{ retention_days: 0 }, 'retention_days'],
    [{ retention_days: 3651 }, 'retention_days'],
    [{ retention_days: 1.5 }, 'retention_days'],
    [{ body_logging: 'yes' }, 'body_logging'],
    [{ allowed_origins: ['*'] }, 'allowed_origins.0'],
    [{ allowed_origins: ['null'] }, 'allowed_origins.0'],
    [{ allowed_origins: ['http://evil.example/path'] }, 'allowed_origins.0'],
    [{ allowed_origins: ['http://evil.example/'] }, 'allowed_origins.0'],
    [{ allowed_origins: ['HTTP://LOCALHOST:3000'] }, 'allowed_origins.0'],
    [{ allowed_origins: 'http://localhost:3000' }, 'allowed_origins'],
    [{ master_key: 'x' }, null],
  ])('refuses %j with a 400 naming %s', async (body, param) => {
    const { gateway } = await start();
    const res = await send(gateway, 'POST', '/settings', body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.param).toBe(param);
    expect((await send(gateway, 'GET', '/settings')).json()).toMatchObject({ retention_days: 30, body_logging: false, allowed_origins: [] });
  });

  it.each([{ port: 8080 }, { lan_access: true }, { host: '0.0.0.0' }])('refuses the restart-required %j, saying how to change it', async (body) => {
    const { gateway } = await start();
    const res = await send(gateway, 'POST', '/settings', body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toContain('--port, --host');
  });

  it('is admin only', async () => {
    const { gateway } = await start();
    expect((await gateway.app.inject({ method: 'GET', url: '/settings' })).statusCode).toBe(401);
  });

  it('the dashboard may call it from the gateway own origin', async () => {
    const { gateway } = await start();
    const res = await send(gateway, 'POST', '/settings', { body_logging: true }, { origin: 'http://127.0.0.1:80' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('S3: an allowed origin is admitted by the live server at once, and refused again once removed', async () => {
    const { gateway } = await start();
    const fromPage = () => send(gateway, 'GET', '/v1/models', undefined, { origin: ORIGIN });
    const before = await fromPage();
    expect(before.statusCode).toBe(403);
    expect(before.json().error.code).toBe('forbidden_origin');
    await send(gateway, 'POST', '/settings', { allowed_origins: [ORIGIN] });
    const allowed = await fromPage();
    expect(allowed.statusCode).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(allowed.headers.vary).toContain('Origin');
    const preflight = await gateway.app.inject({ method: 'OPTIONS', url: '/v1/chat/completions', headers: { origin: ORIGIN, 'access-control-request-method': 'POST' } });
    expect(preflight.statusCode).toBe(204);
    // Another origin is still refused, and never echoed.
    const other = await send(gateway, 'GET', '/v1/models', undefined, { origin: 'http://localhost:5174' });
    expect(other.statusCode).toBe(403);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    await send(gateway, 'POST', '/settings', { allowed_origins: [] });
    expect((await fromPage()).statusCode).toBe(403);
  });

  describe('keyless Ollama clients', () => {
    const yaml = `model_list:
  - model_name: cheap
    litellm_params: { model: openai/cheap, api_base: "http://127.0.0.1:9/v1" }
  - model_name: premium
    litellm_params: { model: openai/premium, api_base: "http://127.0.0.1:9/v1" }
general_settings:
  ollama_api: { allow_without_key: false, models: [premium] }
`;
    const tags = async (g: Gateway) => g.app.inject({ method: 'GET', url: '/api/tags' });

    it('turns keyless access on and picks its models live, the dashboard over config.yaml, and keeps them across a restart', async () => {
      const { gateway, db } = await start(undefined, { masterKey: MASTER, yaml });
      expect((await tags(gateway)).statusCode).toBe(401);
      const saved = await send(gateway, 'POST', '/settings', { ollama_api: { allow_without_key: true, models: ['cheap'] } });
      expect(saved.json().ollama_api).toEqual({ allow_without_key: true, models: ['cheap'], listener_port: null });
      // The active-model alias points at cheap, so it is usable and listed too.
      expect((await tags(gateway)).json().models.map((m: { name: string }) => m.name)).toEqual(['cheap:latest', 'switchboard/active:latest']);
      await send(gateway, 'POST', '/settings', { ollama_api: { models: [] } });
      expect((await tags(gateway)).json().models).toEqual([]);
      await gateway.close();
      open.gateways.splice(open.gateways.indexOf(gateway), 1);
      const again = (await start(db, { masterKey: MASTER, yaml })).gateway;
      expect((await send(again, 'GET', '/settings')).json().ollama_api).toEqual({ allow_without_key: true, models: [], listener_port: null });
    });

    it('shows the config file\'s values until the dashboard changes them', async () => {
      const { gateway } = await start(undefined, { masterKey: MASTER, yaml });
      expect((await send(gateway, 'GET', '/settings')).json().ollama_api).toEqual({ allow_without_key: false, models: ['premium'], listener_port: null });
    });

    it.each([
      [{ ollama_api: { allow_without_key: 'yes' } }],
      [{ ollama_api: { models: 'cheap' } }],
      [{ ollama_api: { models: [''] } }],
      [{ ollama_api: { port: 11434 } }],
    ])('refuses %j', async (patch) => {
      const { gateway } = await start(undefined, { masterKey: MASTER, yaml });
      const res = await send(gateway, 'POST', '/settings', patch);
      expect(res.statusCode).toBe(400);
      expect((await send(gateway, 'GET', '/settings')).json().ollama_api.allow_without_key).toBe(false);
    });
  });
});
