// The Models page's provider keys in a real headless Chromium against real gateways: on a
// headless machine whose keychain cannot be loaded, keyless local models show no red error (a
// model that does need a keychain key does); with a keychain, a missing key is set, replaced and
// deleted from the page, and the gateway sends upstream exactly the key the page last saved.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../main/start-gateway.js';
import { createKeytarSecretStore } from '../../main/secrets/keytar-secret-store.js';
import { createMemorySecretStore } from '../../main/secrets/memory-secret-store.js';
import type { SecretStore } from '../../main/secrets/secret-store.js';
import { createMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import { buildDashboardBundle, launchDashboardBrowser, openDashboardPage, WAIT, type DashboardBrowser } from '../support/dashboard-browser.js';
import { keychainTestEnv } from '../main/secrets/keychain-test-env.js';

const MASTER_KEY = 'sk-provider-keys-e2e-master-0123456789';
const kc = keychainTestEnv();
const KEY_NAME = `sb-e2e-openai-${randomBytes(4).toString('hex')}`;
const FIRST = 'sk-first-provider-key-000000001111';
const SECOND = 'sk-second-provider-key-00000002222';

let work: string;
let bundle: string;
let mock: MockUpstream;
let running: RunningGateway | undefined;
let browser: DashboardBrowser;
let page: Page;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'switchboard-provider-keys-e2e-'));
  bundle = await buildDashboardBundle(work);
  mock = await createMockUpstream();
  browser = await launchDashboardBrowser();
  ({ page } = browser);
}, 120_000);
afterEach(async () => {
  await running?.close();
  running = undefined;
});
afterAll(async () => {
  await browser?.close();
  await mock?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function start(name: string, yaml: string, secrets: SecretStore): Promise<RunningGateway> {
  const configFile = join(work, `${name}.yaml`);
  writeFileSync(configFile, yaml);
  running = await startGateway({
    configFile, dataDir: join(work, name), host: '127.0.0.1', port: 0, masterKey: MASTER_KEY, env: {}, log: pino({ level: 'silent' }), dashboardDir: bundle, secrets,
  });
  return running;
}

async function openModels(url: string): Promise<void> {
  await page.goto(url);
  // A previous gateway's session may still sit in this tab; sign in again when asked.
  const login = page.getByLabel('Key', { exact: true });
  await Promise.race([login.waitFor(WAIT), page.getByRole('navigation', { name: 'Pages' }).waitFor(WAIT)]);
  if (await login.count()) {
    await login.fill(MASTER_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }
  await openDashboardPage(page, 'Models');
  await page.getByRole('heading', { name: 'Provider keys' }).waitFor(WAIT);
}

/** The real keytar store as a machine without libsecret has it: the library cannot be loaded. */
const headlessKeychain = () => createKeytarSecretStore({ platform: 'linux', load: async () => { throw new Error('libsecret-1.so.0: cannot open shared object file: No such file or directory'); } });

const keysSection = () => page.getByRole('region', { name: 'Provider keys' });

describe('Models page provider keys (Chromium, real gateway)', () => {
  it('shows no red keychain error on a headless machine when every model is keyless', async () => {
    const gateway = await start('keyless', `model_list:\n  - model_name: local\n    litellm_params: { model: hosted_vllm/m, api_base: "${mock.url}/v1" }\n`, headlessKeychain());
    await openModels(gateway.url);
    await page.getByTestId('keychain-not-needed').waitFor(WAIT);
    expect(await page.locator('.notice-error').count()).toBe(0);
    expect(await keysSection().getByRole('alert').count()).toBe(0);
    expect(await page.getByTestId('keychain-not-needed').textContent()).toContain('libsecret');
    expect(browser.browserErrors).toEqual([]);
  });

  it('does show the error when a model needs a key from that keychain, naming the model', async () => {
    const gateway = await start('needs-key', `model_list:\n  - model_name: gpt-kc\n    litellm_params: { model: openai/gpt-4o, api_base: "${mock.url}/v1", api_key: keychain/openai }\n`, headlessKeychain());
    await openModels(gateway.url);
    const alert = keysSection().getByRole('alert');
    await alert.waitFor(WAIT);
    expect(await alert.textContent()).toContain('gpt-kc needs a key from the OS keychain, which cannot be read here');
  });

  it('sets, replaces and deletes a provider key, and the gateway uses the one saved last', async () => {
    const store = kc.ready ? createKeytarSecretStore() : createMemorySecretStore();
    const gateway = await start('with-keychain', `model_list:\n  - model_name: gpt-kc\n    litellm_params: { model: openai/gpt-4o, api_base: "${mock.url}/v1", api_key: keychain/${KEY_NAME} }\n`, store);
    const chat = () => fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${MASTER_KEY}` }, body: JSON.stringify({ model: 'gpt-kc', messages: [{ role: 'user', content: 'hi' }] }),
    });
    try {
      await openModels(gateway.url);
      const section = keysSection();
      const status = section.getByRole('status');

      await section.getByRole('button', { name: `Set the key ${KEY_NAME}` }).click();
      expect(await page.getByLabel('Key name').inputValue()).toBe(KEY_NAME);
      await page.getByLabel('Key', { exact: true }).fill(FIRST);
      await section.getByRole('button', { name: 'Save to keychain' }).click();
      await status.getByText(`Saved ${KEY_NAME}`).waitFor(WAIT);
      expect((await chat()).status).toBe(200);
      expect(mock.requests.at(-1)?.headers.authorization).toBe(`Bearer ${FIRST}`);

      await section.getByRole('button', { name: `Replace the key ${KEY_NAME}` }).click();
      await page.getByLabel('Key', { exact: true }).fill(SECOND);
      await section.getByRole('button', { name: 'Replace key' }).click();
      await status.getByText(`Replaced ${KEY_NAME} (sk-...2222)`).waitFor(WAIT);
      expect((await chat()).status).toBe(200);
      expect(mock.requests.at(-1)?.headers.authorization).toBe(`Bearer ${SECOND}`);

      await section.getByRole('button', { name: `Delete the key ${KEY_NAME}` }).click();
      await section.getByRole('button', { name: 'Delete', exact: true }).click();
      await status.getByText(`Deleted ${KEY_NAME}. Still used by gpt-kc`).waitFor(WAIT);
      await section.getByRole('button', { name: `Set the key ${KEY_NAME}` }).waitFor(WAIT);
      expect(await store.get(KEY_NAME)).toBeUndefined();
      expect((await chat()).status).toBe(503);
      expect(await page.content()).not.toContain(SECOND);
      expect(browser.browserErrors).toEqual([]);
    } finally {
      await store.delete(KEY_NAME).catch(() => false);
    }
  }, 120_000);
});
