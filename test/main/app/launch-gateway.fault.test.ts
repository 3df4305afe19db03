// The desktop app's gateway for real: launchGateway on a loopback socket with a temp data folder,
// an in-memory keychain and a mock upstream, driven by the app controller as the tray drives it.
// Opens sockets, so it is a fault test (run serially).
import { createServer, type Server } from 'node:net';
import { copyFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppController, type GatewayEvents } from '../../../main/app/app-controller.js';
import type { AppNotification } from '../../../main/app/app-notifications.js';
import { launchGateway, resolveConfigFile, resolvePort, type LaunchOptions, type StartedGateway } from '../../../main/app/launch-gateway.js';
import { ADMIN_KEY_NAME } from '../../../main/secrets/admin-key.js';
import { ConfigError } from '../../../main/core/config-error.js';
import { createMemorySecretStore } from '../../../main/secrets/memory-secret-store.js';
import { DATABASE_FILE } from '../../../main/start-gateway.js';
import { createMockUpstream, type MockUpstream } from '../../support/mock-upstream.js';
import { tempDir, type TempDir } from '../storage/storage-test-kit.js';

let dir: TempDir | undefined;
let upstream: MockUpstream | undefined;
const open: StartedGateway[] = [];
const blockers: Server[] = [];

afterEach(async () => {
  for (const gateway of open.splice(0)) await gateway.close();
  for (const server of blockers.splice(0)) await new Promise<void>((resolve) => server.close(() => resolve()));
  await upstream?.close();
  dir?.remove();
  upstream = undefined;
  dir = undefined;
});

async function setup(extraConfig = '') {
  dir = tempDir('switchboard-app-');
  upstream = await createMockUpstream();
  writeFileSync(dir.file('config.yaml'), `model_list:
  - model_name: gpt-4o
    litellm_params: { model: openai/gpt-4o, api_base: "${upstream.url}/v1", api_key: os.environ/MOCK_UPSTREAM_KEY }
  - model_name: gpt-4o-mini
    litellm_params: { model: openai/gpt-4o-mini, api_base: "${upstream.url}/v1", api_key: os.environ/MOCK_UPSTREAM_KEY }
${extraConfig}`);
  const secrets = createMemorySecretStore();
  const env = { MOCK_UPSTREAM_KEY: 'sk-upstream-test' };
  const options: LaunchOptions = { dataDir: dir.path, configFile: resolveConfigFile(dir.path, env), env, log: pino({ level: 'silent' }), secrets };
  // The controller's events reach the gateway as the app wires them (main.ts).
  const launch = async (port: number, events?: GatewayEvents) => {
    const gateway = await launchGateway({ ...options, ...(events ? { onNewApp: events.onNewApp } : {}) }, port);
    open.push(gateway);
    return gateway;
  };
  return { dir, upstream, secrets, options, launch };
}

async function chat(url: string, key: string, model: string): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
}

describe('launch-gateway', () => {
  it('starts on loopback with the config from the data folder and an admin key kept in the keychain', async () => {
    const { launch, secrets, options } = await setup();
    expect(options.configFile).toBe(dir!.file('config.yaml'));
    const first = await launch(0);
    expect(first.url).toBe(`http://127.0.0.1:${first.port}`);
    expect(first.adminKeySource).toBe('generated');
    expect(await secrets.get(ADMIN_KEY_NAME)).toBe(first.adminKey);
    const refused = await fetch(`${first.url}/active-model`);
    expect(refused.status).toBe(401);
    await first.close();

    // The next start uses the same key: the dashboard session survives a restart.
    const second = await launch(0);
    expect(second.adminKeySource).toBe('keychain');
    expect(second.adminKey).toBe(first.adminKey);
  });

  it('says a database URL is ignored by the desktop app, without logging the URL', async () => {
    const { launch, options } = await setup();
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    writeFileSync(options.configFile!, `general_settings:\n  database_url: postgresql://team:s3cret-pw@db.internal:5432/switchboard\nmodel_list:\n  - model_name: gpt-4o\n    litellm_params: { model: openai/gpt-4o, api_base: "${upstream!.url}/v1", api_key: os.environ/MOCK_UPSTREAM_KEY }\n`);
    Object.assign(options, { log });
    const gateway = await launch(0);
    const warned = lines.map((line) => JSON.parse(line) as { warning?: string }).filter((line) => line.warning?.includes('database_url'));
    expect(warned).toHaveLength(1);
    expect(warned[0]!.warning).toMatch(/general_settings\.database_url is ignored by the desktop app: it keeps its data in .*switchboard serve/);
    expect(lines.join('\n')).not.toContain('s3cret-pw');
    // Still the SQLite file in the data folder.
    expect((await chat(gateway.url, gateway.adminKey, 'gpt-4o')).status).toBe(200);
    await gateway.close();
    const db = new Database(dir!.file(DATABASE_FILE), { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) AS n FROM usage_log').get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
  });

  it('uses SWITCHBOARD_MASTER_KEY instead of the keychain when it is set', async () => {
    const { options, secrets } = await setup();
    const gateway = await launchGateway({ ...options, env: { ...options.env, SWITCHBOARD_MASTER_KEY: 'sk-admin-from-env' } }, 0);
    open.push(gateway);
    expect(gateway).toMatchObject({ adminKey: 'sk-admin-from-env', adminKeySource: 'configured' });
    expect(await secrets.get(ADMIN_KEY_NAME)).toBeUndefined();
  });

  it('opens the database with the SQLite module the app gives it (its Electron build), and names it when it cannot load', async () => {
    const { options } = await setup();
    const binding = dir!.file('better_sqlite3.node');
    // No such file: if the option were not passed down, node_modules' module would open the database.
    await expect(launchGateway({ ...options, sqliteNativeBinding: binding }, 0)).rejects.toThrow(`SQLite's native module ${binding} could not be loaded`);

    copyFileSync(createRequire(import.meta.url).resolve('better-sqlite3/build/Release/better_sqlite3.node'), binding);
    const gateway = await launchGateway({ ...options, sqliteNativeBinding: binding }, 0);
    open.push(gateway);
    expect((await fetch(`${gateway.url}/health/liveliness`)).status).toBe(200);
  });

  it('refuses a SWITCHBOARD_MASTER_KEY shorter than 16 characters with a config error naming it', async () => {
    const { options } = await setup();
    const error = await launchGateway({ ...options, env: { ...options.env, SWITCHBOARD_MASTER_KEY: 'sk-short' } }, 0).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('SWITCHBOARD_MASTER_KEY');
    expect((error as Error).message).not.toContain('sk-short');
  });

  it('switches from the tray through the API, routes the next request there, counts it, and flushes it on quit', async () => {
    const { launch, upstream } = await setup();
    const notifications: AppNotification[] = [];
    const controller = createAppController({
      launch, port: 0, savePort: () => undefined,
      startAtLogin: { isEnabled: () => false, setEnabled: () => false }, notifyNewApps: true, saveNotifyNewApps: () => undefined,
      notify: (n) => notifications.push(n), configFile: null, log: pino({ level: 'silent' }),
      now: Date.now, startOfDay: (now) => now - 3_600_000, schedule: () => () => undefined,
    });
    await controller.start();
    expect(controller.state()).toMatchObject({ status: 'running', activeModel: 'gpt-4o', models: ['gpt-4o', 'gpt-4o-mini'], today: { requests: 0, spendMicros: 0 } });
    const session = controller.session()!;

    // The dashboard's session works against the management API.
    const created = await fetch(`${session.gatewayUrl}/key/generate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.adminKey}`, 'content-type': 'application/json', origin: session.gatewayUrl },
      body: JSON.stringify({ key_alias: 'Cursor' }),
    });
    expect(created.status).toBe(200);
    const { key } = (await created.json()) as { key: string };

    await controller.switchModel('gpt-4o-mini');
    expect(notifications).toEqual([{ kind: 'model-switched', model: 'gpt-4o-mini' }]);
    const answer = await chat(session.gatewayUrl, key, 'switchboard/active');
    expect(answer.status).toBe(200);
    expect(upstream.requests.at(-1)!.json).toMatchObject({ model: 'gpt-4o-mini' });

    await controller.refresh();
    expect(controller.state().today?.requests).toBe(1);

    await controller.stop();
    await expect(fetch(`${session.gatewayUrl}/healthz`)).rejects.toThrow();
    // Closed cleanly: the usage row is in the file, readable by another connection.
    const db = new Database(dir!.file(DATABASE_FILE), { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) AS n FROM usage_log').get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
  });

  it('notifies once when a new app first calls without a key (the keyless Ollama API), and not at all once switched off', async () => {
    const { launch } = await setup(`general_settings:
  ollama_api: { allow_without_key: true, models: [gpt-4o] }
`);
    const notifications: AppNotification[] = [];
    const controller = createAppController({
      launch, port: 0, savePort: () => undefined,
      startAtLogin: { isEnabled: () => false, setEnabled: () => false }, notifyNewApps: true, saveNotifyNewApps: () => undefined,
      notify: (n) => notifications.push(n), configFile: null, log: pino({ level: 'silent' }),
      now: Date.now, startOfDay: (now) => now - 3_600_000, schedule: () => () => undefined,
    });
    await controller.start();
    const url = controller.session()!.gatewayUrl;
    const keyless = (product: string) => fetch(`${url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': `${product}/1.0` },
      body: JSON.stringify({ model: 'gpt-4o', stream: false, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect((await keyless('SyncNotes')).status).toBe(200);
    expect((await keyless('SyncNotes')).status).toBe(200);
    expect(notifications).toEqual([{ kind: 'new-app', app: 'SyncNotes' }]);
    controller.setNotifyNewApps(false);
    expect((await keyless('NightlyDigest')).status).toBe(200);
    expect(notifications).toHaveLength(1);
    // Today's line and its per-app lines read the same summary.
    await controller.refresh();
    expect(controller.state().today?.apps?.map((a) => [a.app, a.requests]).sort()).toEqual([['NightlyDigest', 1], ['SyncNotes', 2]]);
    await controller.stop();
  });

  it('at a system shutdown writes queued usage and closes the database synchronously, with nothing awaited', async () => {
    const { launch } = await setup();
    const controller = createAppController({
      launch, port: 0, savePort: () => undefined,
      startAtLogin: { isEnabled: () => false, setEnabled: () => false }, notifyNewApps: true, saveNotifyNewApps: () => undefined,
      notify: () => undefined, configFile: null, log: pino({ level: 'silent' }),
      now: Date.now, startOfDay: (now) => now - 3_600_000, schedule: () => () => undefined,
    });
    await controller.start();
    const session = controller.session()!;
    const created = await fetch(`${session.gatewayUrl}/key/generate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.adminKey}`, 'content-type': 'application/json', origin: session.gatewayUrl },
      body: JSON.stringify({ key_alias: 'Cursor' }),
    });
    const { key } = (await created.json()) as { key: string };
    const answers = await Promise.all([chat(session.gatewayUrl, key, 'gpt-4o'), chat(session.gatewayUrl, key, 'gpt-4o-mini')]);
    await Promise.all(answers.map((answer) => answer.text()));

    // No await from here on: the process may be gone at the next turn of the event loop.
    controller.stopNow();
    const db = new Database(dir!.file(DATABASE_FILE), { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) AS n FROM usage_log').get()).toEqual({ n: 2 });
    } finally {
      db.close();
    }
    expect(controller.session()).toBeNull();
  });

  it('reports a port already in use with the next port offered', async () => {
    const { launch } = await setup();
    const blocker = createServer();
    blockers.push(blocker);
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const notifications: AppNotification[] = [];
    const controller = createAppController({
      launch, port, savePort: () => undefined,
      startAtLogin: { isEnabled: () => false, setEnabled: () => false }, notifyNewApps: true, saveNotifyNewApps: () => undefined,
      notify: (n) => notifications.push(n), configFile: null, log: pino({ level: 'silent' }),
      now: Date.now, startOfDay: (now) => now, schedule: () => () => undefined,
    });
    await controller.start();
    expect(controller.state()).toMatchObject({ status: 'error', error: { fix: { kind: 'use-port', port: port + 1 } } });
    expect(notifications[0]).toMatchObject({ kind: 'start-failed', failure: { kind: 'port-in-use' } });
    // The failed start left nothing open: the database can be opened for writing at once.
    const db = new Database(dir!.file(DATABASE_FILE));
    db.close();
  });

  it.each([
    [{ SWITCHBOARD_PORT: '5000' }, 4142, 5000],
    [{ SWITCHBOARD_PORT: 'x' }, 4142, 4142],
    [{ SWITCHBOARD_PORT: '70000' }, undefined, 4141],
    [{}, undefined, 4141],
  ])('resolves the port from %o and the saved %s to %d', (env, saved, port) => {
    expect(resolvePort(env, saved)).toBe(port);
  });

  it('prefers SWITCHBOARD_CONFIG, then config.yaml in the data folder, then the built-in default', () => {
    expect(resolveConfigFile('/data', { SWITCHBOARD_CONFIG: '/etc/sb.yaml' }, () => true)).toBe('/etc/sb.yaml');
    expect(resolveConfigFile('/data', {}, (p) => p === '/data/config.yaml')).toBe('/data/config.yaml');
    expect(resolveConfigFile('/data', {}, () => false)).toBeNull();
  });
});
