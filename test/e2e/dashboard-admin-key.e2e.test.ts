// Settings' "Admin key" in a real headless Chromium against the real gateway: for the key "Require
// keys" created, Rotate shows a new key once, the old one is refused from the next request on and
// the tab stays signed in with the new one (also after a reload); Remove, after its confirmation,
// opens the gateway again at once and at the next start. A key set in the environment can be
// neither: the section names where it comes from. The key is kept in the test runner's private
// keychain when there is one, else in the data directory's 0600 file.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../main/start-gateway.js';
import { createKeytarSecretStore } from '../../main/secrets/keytar-secret-store.js';
import { ADMIN_KEY_FILE } from '../../main/secrets/data-dir-admin-key.js';
import { createMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import { buildDashboardBundle, launchDashboardBrowser, openDashboardPage, signIn, WAIT, type DashboardBrowser } from '../support/dashboard-browser.js';
import { keychainTestEnv } from '../main/secrets/keychain-test-env.js';

const kc = keychainTestEnv();
const ENV_KEY = 'sk-master-from-the-environment-0123456789';
let work: string;
let bundle: string;
let configFile: string;
let mock: MockUpstream;
let browser: DashboardBrowser;
let page: Page;
const gateways: RunningGateway[] = [];

const start = async (dataDir: string, masterKey?: string, env: NodeJS.ProcessEnv = {}) => {
  const running = await startGateway({
    configFile, dataDir, host: '127.0.0.1', port: 0, masterKey, env, log: pino({ level: 'silent' }), dashboardDir: bundle,
    ...(kc.ready ? { secrets: createKeytarSecretStore() } : {}),
  });
  gateways.push(running);
  return running;
};

const chat = (url: string, key?: string) => fetch(`${url}/v1/chat/completions`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
  body: JSON.stringify({ model: 'local', messages: [{ role: 'user', content: 'hi' }] }),
});

const keychainAccount = (dataDir: string): string | undefined => {
  const file = join(dataDir, ADMIN_KEY_FILE);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { keychain_account?: string }).keychain_account : undefined;
};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'switchboard-admin-key-e2e-'));
  bundle = await buildDashboardBundle(work);
  mock = await createMockUpstream();
  configFile = join(work, 'config.yaml');
  writeFileSync(configFile, `model_list:\n  - model_name: local\n    litellm_params: { model: hosted_vllm/m, api_base: "${mock.url}/v1" }\n`);
  browser = await launchDashboardBrowser();
  ({ page } = browser);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  for (const running of gateways) await running.close();
  await mock?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const section = () => page.getByRole('region', { name: 'Admin key', exact: true });

describe('Settings: Admin key (Chromium, real gateway)', () => {
  it('rotates the key "Require keys" created: shown once, the old one refused at once, the tab signed in with the new one; then removes it', async () => {
    const dataDir = join(work, 'data-dir-key');
    let running = await start(dataDir);
    // "Require keys", as the banner's button sends it.
    const required = await fetch(`${running.url}/admin-key/require`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(required.status).toBe(200);
    const firstKey = ((await required.json()) as { key: string }).key;
    const firstAccount = keychainAccount(dataDir);

    await signIn(page, running.url, firstKey);
    await openDashboardPage(page, 'Settings');
    await section().getByTestId('admin-key-source').waitFor(WAIT);
    expect(await section().getByTestId('admin-key-source').textContent()).toContain(kc.ready ? `account "${firstAccount}"` : `Created by Require keys and kept in ${join(dataDir, ADMIN_KEY_FILE)}`);

    await section().getByRole('button', { name: 'Rotate the admin key' }).click();
    await section().getByText('The current one stops working at once').waitFor(WAIT);
    await section().getByRole('button', { name: 'Rotate the admin key' }).click();
    const shown = section().getByTestId('rotated-admin-key');
    await shown.waitFor(WAIT);
    const newKey = (await shown.textContent()) ?? '';
    expect(newKey).toMatch(/^sk-admin-[A-Za-z0-9_-]{43}$/);
    expect(newKey).not.toBe(firstKey);
    expect(await section().textContent()).toContain('it will not be shown again');

    // The running gateway refuses the old key from the next request on and takes the new one.
    expect((await chat(running.url, firstKey)).status).toBe(401);
    expect((await chat(running.url, newKey)).status).toBe(200);
    // Kept where the old one was: a new keychain account (the old one deleted), or the 0600 file.
    const file = join(dataDir, ADMIN_KEY_FILE);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    if (kc.ready) {
      expect(readFileSync(file, 'utf8')).not.toContain(newKey);
      expect(keychainAccount(dataDir)).not.toBe(firstAccount);
      expect(await createKeytarSecretStore().get(firstAccount!)).toBeUndefined();
    } else {
      expect(readFileSync(file, 'utf8')).toContain(newKey);
    }

    // This tab is signed in with the new key: other pages load, and a reload asks for nothing.
    await section().getByRole('button', { name: 'I have copied it' }).click();
    expect(await shown.count()).toBe(0);
    await openDashboardPage(page, 'Keys');
    await page.getByRole('button', { name: 'Sign out' }).waitFor(WAIT);
    await page.reload();
    await page.getByRole('navigation', { name: 'Pages' }).waitFor(WAIT);
    await openDashboardPage(page, 'Settings');
    await section().getByRole('button', { name: 'Remove the admin key' }).waitFor(WAIT);

    // Remove asks first; Cancel keeps the key.
    await section().getByRole('button', { name: 'Remove the admin key' }).click();
    await section().getByRole('button', { name: 'Cancel' }).click();
    expect((await chat(running.url)).status).toBe(401);
    await section().getByRole('button', { name: 'Remove the admin key' }).click();
    await section().getByText('Every program on this computer can then use the gateway').waitFor(WAIT);
    await section().getByRole('button', { name: 'Remove the admin key' }).click();
    await section().getByText('The admin key was removed').waitFor(WAIT);

    // Open at once: no key needed, the banner is back, the tab carries on without a key.
    expect((await chat(running.url)).status).toBe(200);
    await page.getByRole('region', { name: 'Open to every local process' }).waitFor(WAIT);
    await section().getByText('Not set: any program on this computer can use the gateway').waitFor(WAIT);
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    expect(existsSync(file)).toBe(false);

    // And at the next start on the same data directory.
    await running.close();
    gateways.splice(gateways.indexOf(running), 1);
    running = await start(dataDir);
    expect((await chat(running.url)).status).toBe(200);
    expect(browser.browserErrors).toEqual([]);
  });

  it('names the environment variable a key comes from and offers neither Rotate nor Remove', async () => {
    const running = await start(join(work, 'env-key'), ENV_KEY, { SWITCHBOARD_MASTER_KEY: ENV_KEY });
    await signIn(page, running.url, ENV_KEY);
    await openDashboardPage(page, 'Settings');
    const source = section().getByTestId('admin-key-source');
    await source.waitFor(WAIT);
    expect(await source.textContent()).toContain('Set by the environment variable SWITCHBOARD_MASTER_KEY. Change it there and restart Switchboard');
    expect(await section().getByRole('button').count()).toBe(0);
    expect((await chat(running.url, ENV_KEY)).status).toBe(200);
    expect(browser.browserErrors).toEqual([]);
  });
});
