// The quick start's open gateway (no admin key) in a real headless Chromium: every page says that
// every local process may use it; "Require keys" creates an admin key, shows it once, keeps the
// tab signed in, and from then on a request without a key is 401 — also after a restart on the
// same data directory, both through startGateway and the real `switchboard serve`. The key is kept
// in the test runner's private keychain when there is one, else in the data directory's 0600 file.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../main/start-gateway.js';
import { createKeytarSecretStore } from '../../main/secrets/keytar-secret-store.js';
import { ADMIN_KEY_FILE } from '../../main/secrets/data-dir-admin-key.js';
import { openDashboardPage, startDashboardSession, WAIT, type DashboardSession, type SessionGatewaySpec } from '../support/dashboard-browser.js';
import { ensureBuiltCli, killStartedClis, ready, runCli } from '../support/cli-process.js';
import { keychainTestEnv } from '../main/secrets/keychain-test-env.js';

const kc = keychainTestEnv();
let session: DashboardSession;
let running: RunningGateway | undefined;
let page: Page;

/** The quick start: no admin key; the keychain of this run when there is one. */
const gateway = (): SessionGatewaySpec => ({
  config: (mockUrl) => `model_list:\n  - model_name: local\n    litellm_params: { model: hosted_vllm/m, api_base: "${mockUrl}/v1" }\n`,
  adminKey: null,
  ...(kc.ready ? { secrets: createKeytarSecretStore() } : {}),
});
/** A restart on the same data directory. */
const restart = () => session.startGateway('restart', { ...gateway(), dataDir: session.dataDir });

const chat = (url: string, key?: string) => fetch(`${url}/v1/chat/completions`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
  body: JSON.stringify({ model: 'local', messages: [{ role: 'user', content: 'hi' }] }),
});

beforeAll(async () => {
  session = await startDashboardSession({ name: 'open-mode-e2e', ...gateway(), signIn: false });
  running = session.gateway;
  ({ page } = session);
}, 120_000);

afterEach(() => killStartedClis());
afterAll(async () => {
  // The test keyring is private to this run, but leave it as found.
  const file = session ? join(session.dataDir, ADMIN_KEY_FILE) : '';
  if (kc.ready && file && existsSync(file)) {
    const account = (JSON.parse(readFileSync(file, 'utf8')) as { keychain_account?: string }).keychain_account;
    if (account) await createKeytarSecretStore().delete(account).catch(() => false);
  }
  await session?.close();
});

const banner = () => page.getByRole('region', { name: 'Open to every local process' });

describe('dashboard in open mode (Chromium, real gateway)', () => {
  it('says the gateway is open on every page, and "Require keys" closes it without a restart', async () => {
    expect((await chat(running!.url)).status).toBe(200);
    await page.goto(running!.url);
    await banner().waitFor(WAIT);
    expect(await banner().textContent()).toContain('any program on this computer can use your models');
    await openDashboardPage(page, 'Keys');
    await banner().waitFor(WAIT);
    await openDashboardPage(page, 'Models');
    await banner().waitFor(WAIT);

    await banner().getByRole('button', { name: 'Require keys' }).click();
    const notice = page.getByRole('region', { name: 'Keys are now required' });
    await notice.waitFor(WAIT);
    const adminKey = (await notice.getByTestId('admin-key').textContent()) ?? '';
    expect(adminKey).toMatch(/^sk-admin-[A-Za-z0-9_-]{43}$/);
    expect(await notice.textContent()).toContain('it will not be shown again');
    expect(await banner().count()).toBe(0);

    // The running gateway requires it now; this tab is still signed in with it.
    expect((await chat(running!.url)).status).toBe(401);
    expect((await chat(running!.url, adminKey)).status).toBe(200);
    await notice.getByRole('button', { name: 'I have copied it' }).click();
    expect(await notice.count()).toBe(0);
    await openDashboardPage(page, 'Keys');
    await page.getByRole('button', { name: 'Sign out' }).waitFor(WAIT);
    expect(await banner().count()).toBe(0);
    expect(session.browserErrors).toEqual([]);

    // Kept for this data directory, never as plain text when a keychain took it.
    const file = join(session.dataDir, ADMIN_KEY_FILE);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    if (kc.ready) expect(readFileSync(file, 'utf8')).not.toContain(adminKey);

    // A reload asks for nothing new: the session kept the key for this tab.
    await page.reload();
    await page.getByRole('navigation', { name: 'Pages' }).waitFor(WAIT);
    expect(await banner().count()).toBe(0);

    // A restart on the same data directory still requires it.
    await running!.close();
    running = await restart();
    expect((await chat(running.url)).status).toBe(401);
    expect((await chat(running.url, adminKey)).status).toBe(200);
    await running.close();
    running = undefined;

    // So does the real `switchboard serve`.
    expect(ensureBuiltCli()).toBe(true);
    const cli = runCli(['serve', '--config', session.configFile!, '--port', '0', '--data-dir', session.dataDir], {
      cwd: session.work, env: kc.ready && process.env.DBUS_SESSION_BUS_ADDRESS ? { DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS } : {},
    });
    const url = await ready(cli);
    expect(cli.stdout()).not.toContain('No admin key set');
    expect((await chat(url)).status).toBe(401);
    expect((await chat(url, adminKey)).status).toBe(200);
    expect(cli.stdout() + cli.stderr()).not.toContain(adminKey);
  }, 180_000);
});
