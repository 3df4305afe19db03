// Outcome messages in the dashboard stay while their subject is in view and clear when the user
// starts something else (issue 14 item 12), in a real headless Chromium against a real gateway
// (startGateway, SQLite in a temp dir, the keychain store the test runner provides) and the
// loopback mock upstream: the Keys page's notes, errors and one-time secret, the Settings cards'
// "Saved." and errors, the provider-key form, and the playground's settings error.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../main/start-gateway.js';
import { createKeytarSecretStore } from '../../main/secrets/keytar-secret-store.js';
import { createMemorySecretStore } from '../../main/secrets/memory-secret-store.js';
import { createMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import { buildDashboardBundle, launchDashboardBrowser, openDashboardPage, signIn, WAIT, type DashboardBrowser } from '../support/dashboard-browser.js';
import { keychainTestEnv } from '../main/secrets/keychain-test-env.js';

const MASTER_KEY = 'sk-stale-messages-e2e-master-0123456789';
const kc = keychainTestEnv();
const KEY_NAME = `sb-e2e-stale-${randomBytes(4).toString('hex')}`;
const store = kc.ready ? createKeytarSecretStore() : createMemorySecretStore();

let work: string;
let mock: MockUpstream;
let running: RunningGateway;
let browser: DashboardBrowser;
let page: Page;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'switchboard-stale-messages-e2e-'));
  const bundle = await buildDashboardBundle(work);
  mock = await createMockUpstream();
  const configFile = join(work, 'config.yaml');
  writeFileSync(configFile, `model_list:\n  - model_name: gpt-mock\n    litellm_params: { model: openai/up-model, api_base: "${mock.url}/v1" }\n`);
  running = await startGateway({
    configFile, dataDir: join(work, 'data'), host: '127.0.0.1', port: 0, masterKey: MASTER_KEY, env: {}, log: pino({ level: 'silent' }), dashboardDir: bundle, secrets: store,
  });
  browser = await launchDashboardBrowser();
  page = browser.page;
  await signIn(page, running.url, MASTER_KEY);
}, 120_000);

afterAll(async () => {
  await store.delete(KEY_NAME).catch(() => false);
  await browser?.close();
  await running?.close();
  await mock?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function admin(path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${running.url}${path}`, {
    method: 'POST', headers: { authorization: `Bearer ${MASTER_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

/** The text a live region shows now (empty once its message has cleared). */
async function text(region: Locator): Promise<string> {
  return ((await region.textContent()) ?? '').trim();
}

describe('stale messages clear when their subject changes (Chromium, real gateway)', () => {
  it('Keys: a note, an error and a one-time key go when the user turns to another key', async () => {
    await admin('/key/generate', { key_alias: 'app-b' });
    const gone = (await admin('/key/generate', { key_alias: 'app-gone' })) as { token: string };
    await openDashboardPage(page, 'Keys');
    const card = page.getByRole('region', { name: 'App keys' });
    const status = card.getByRole('status');
    await card.getByRole('rowheader', { name: 'app-b' }).waitFor(WAIT);

    // The key form's error is about what was submitted: editing the field clears it.
    await page.getByRole('button', { name: 'Create a key', exact: true }).click();
    await page.getByRole('button', { name: 'Create key', exact: true }).click();
    await page.getByText('Name the app this key is for').waitFor(WAIT);
    await page.getByLabel('App name').fill('app-a');
    expect(await page.getByText('Name the app this key is for').count()).toBe(0);

    // The new key is shown once; editing another key puts it away.
    await page.getByRole('button', { name: 'Create key', exact: true }).click();
    await page.getByTestId('new-key').waitFor(WAIT);
    await card.getByRole('button', { name: 'Edit app-b' }).click();
    await page.getByRole('heading', { name: 'Edit app-b' }).waitFor(WAIT);
    expect(await page.getByTestId('new-key').count()).toBe(0);
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();

    // "Blocked app-b" goes when the user starts creating another key.
    await card.getByRole('button', { name: 'Block app-b' }).click();
    await status.getByText('Blocked app-b').waitFor(WAIT);
    await page.getByRole('button', { name: 'Create a key', exact: true }).click();
    await page.getByRole('heading', { name: 'Create a key', level: 2 }).waitFor(WAIT);
    expect(await text(status)).toBe('');
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();

    // An error about app-gone (deleted behind the page's back) does not stay beside app-b.
    await admin('/key/delete', { keys: [gone.token] });
    await card.getByRole('button', { name: 'Block app-gone' }).click();
    await card.getByRole('alert').waitFor(WAIT);
    await card.getByRole('button', { name: 'Edit app-b' }).click();
    await page.getByRole('heading', { name: 'Edit app-b' }).waitFor(WAIT);
    expect(await card.getByRole('alert').count()).toBe(0);
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    expect(browser.browserErrors).toEqual([]);
  }, 90_000);

  it('Settings: "Saved." and errors go when the form is edited or another setting is changed', async () => {
    await openDashboardPage(page, 'Settings');
    const live = page.locator('form').filter({ has: page.getByRole('heading', { name: 'Data and access' }) });
    const ollama = page.locator('form').filter({ has: page.getByRole('heading', { name: 'Ollama-compatible API' }) });
    const alerts = page.locator('form').filter({ has: page.getByRole('heading', { name: 'Budget alerts' }) });
    const retention = page.getByLabel('Keep request logs for (days)');
    await retention.waitFor(WAIT);

    // An error clears when the field it is about is edited.
    await retention.fill('0');
    await live.getByRole('button', { name: 'Save settings' }).click();
    await live.getByRole('alert').getByText('Keep requests for 1 to').waitFor(WAIT);
    await retention.fill('14');
    expect(await live.getByRole('alert').count()).toBe(0);

    // "Saved." is about the values saved: ticking another box makes it stale.
    await live.getByRole('button', { name: 'Save settings' }).click();
    await live.getByRole('status').getByText('Saved.').waitFor(WAIT);
    await page.getByLabel('Log request and response bodies').check();
    expect(await text(live.getByRole('status'))).toBe('');

    // Saving one card, then changing another: only the card being worked on reports.
    await live.getByRole('button', { name: 'Save settings' }).click();
    await live.getByRole('status').getByText('Saved.').waitFor(WAIT);
    await ollama.getByRole('button', { name: 'Save Ollama settings' }).click();
    await ollama.getByRole('status').getByText('Saved.').waitFor(WAIT);
    expect(await text(live.getByRole('status'))).toBe('');
    await alerts.getByLabel('Webhook URL').fill('https://hooks.example.com/services/T000/B000/abc');
    expect(await text(ollama.getByRole('status'))).toBe('');
    await alerts.getByRole('button', { name: 'Save webhook' }).click();
    await alerts.getByRole('status').getByText('Saved.').waitFor(WAIT);
    await alerts.getByLabel('Webhook URL').fill('https://hooks.example.com/services/T000/B000/def');
    expect(await text(alerts.getByRole('status'))).toBe('');
    expect(await page.getByText('Saved.', { exact: true }).count()).toBe(0);

    // A restore waiting for "Replace" was about that file: downloading a backup puts the question away.
    const backup = page.getByRole('region', { name: 'Backup' });
    // With a key here, restoring asks first (it would replace the key).
    await admin('/key/generate', { key_alias: 'app-backed-up' });
    const document = await (await fetch(`${running.url}/backup`, { headers: { authorization: `Bearer ${MASTER_KEY}` } })).json();
    await page.getByLabel('Restore from backup').setInputFiles({ name: 'backup.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(document)) });
    await backup.getByRole('button', { name: 'Replace with the backup' }).waitFor(WAIT);
    const download = page.waitForEvent('download');
    await backup.getByRole('button', { name: 'Download backup' }).click();
    await download;
    await backup.getByRole('status').getByText('Backup downloaded').waitFor(WAIT);
    expect(await backup.getByRole('button', { name: 'Replace with the backup' }).count()).toBe(0);
    // And its note goes once another setting is being changed.
    await retention.fill('15');
    expect(await text(backup.getByRole('status'))).toBe('');
    expect(browser.browserErrors).toEqual([]);
  }, 90_000);

  it('Provider keys: the last "Saved" note and an error go when the form is edited for another key', async () => {
    await openDashboardPage(page, 'Models');
    const section = page.getByRole('region', { name: 'Provider keys' });
    const status = section.getByRole('status');
    await section.getByLabel('Key name').waitFor(WAIT);

    await section.getByLabel('Key name').fill('not a valid name!');
    await section.getByLabel('Key', { exact: true }).fill('sk-stale-provider-key-0000000011112222');
    await section.getByRole('button', { name: 'Save to keychain' }).click();
    await section.getByRole('alert').getByText('A key name is 1-128 letters').waitFor(WAIT);
    await section.getByLabel('Key name').fill(KEY_NAME);
    expect(await section.getByRole('alert').count()).toBe(0);

    await section.getByRole('button', { name: 'Save to keychain' }).click();
    await status.getByText(`Saved ${KEY_NAME}`).waitFor(WAIT);
    await section.getByLabel('Key name').fill('anthropic');
    expect(await text(status)).toBe('');
    expect(await page.content()).not.toContain('sk-stale-provider-key-0000000011112222');
    expect(browser.browserErrors).toEqual([]);
  }, 90_000);

  it('Models: a form error goes on edit, a test result after its deployment is saved, "Added" when a delete fails', async () => {
    const gone = (await admin('/model/new', { model_name: 'stale-gone', litellm_params: { model: 'openai/up-model', api_base: `${mock.url}/v1` } })) as { model_info: { id: string } };
    // Models was open already: going there afresh loads the model just added behind its back.
    await openDashboardPage(page, 'Overview');
    await openDashboardPage(page, 'Models');
    const card = page.getByRole('region', { name: 'Models', exact: true });
    const status = card.getByRole('status');
    await card.getByRole('button', { name: 'Test stale-gone (openai/up-model)' }).waitFor(WAIT);

    await page.getByRole('button', { name: 'Add a model', exact: true }).click();
    await page.getByRole('button', { name: 'Add model', exact: true }).click();
    await page.getByText('Give the model a name').waitFor(WAIT);
    await page.getByLabel('Model name').fill('stale-a');
    expect(await page.getByText('Give the model a name').count()).toBe(0);
    await page.getByLabel('Provider', { exact: true }).selectOption('openai_like');
    await page.getByLabel('Model at the provider').fill('up-model');
    await page.getByLabel('Base URL').fill(`${mock.url}/v1`);
    await page.getByRole('button', { name: 'Add model', exact: true }).click();
    await status.getByText('Added stale-a (openai_like/up-model).').waitFor(WAIT);

    // "Hello, world!" was the answer of the deployment as it was; saving a change starts afresh.
    await card.getByRole('button', { name: 'Test stale-a (openai_like/up-model)' }).click();
    const row = card.getByRole('row').filter({ has: page.getByRole('button', { name: /^Test stale-a / }) });
    await row.getByText('Hello, world!').waitFor(WAIT);
    await card.getByRole('button', { name: 'Edit stale-a (openai_like/up-model)' }).click();
    await page.getByLabel('Model at the provider').fill('up-model-2');
    await page.getByRole('button', { name: 'Save changes', exact: true }).click();
    await status.getByText('Saved stale-a (openai_like/up-model-2).').waitFor(WAIT);
    await card.getByRole('button', { name: 'Test stale-a (openai_like/up-model-2)' }).waitFor(WAIT);
    expect(await row.getByText('Hello, world!').count()).toBe(0);

    // Deleting a model removed behind the page's back fails: the note about stale-a goes.
    await admin('/model/delete', { id: gone.model_info.id });
    await card.getByRole('button', { name: 'Delete stale-gone (openai/up-model)' }).click();
    await card.getByRole('button', { name: 'Delete', exact: true }).click();
    await card.getByRole('alert').waitFor(WAIT);
    expect(await text(status)).toBe('');
    expect(browser.browserErrors).toEqual([]);
  }, 90_000);

  it('Playground: an error or a refusal about the key to send as goes when the key choice changes', async () => {
    await openDashboardPage(page, 'Playground');
    await page.getByLabel('Send as').selectOption('pasted');
    await page.getByLabel('Message', { exact: true }).fill('Say hello');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const error = page.getByRole('alert').filter({ hasText: 'Paste the key to send as' });
    await error.waitFor(WAIT);
    await page.getByLabel('Send as').selectOption('session');
    expect(await error.count()).toBe(0);

    // The gateway's refusal of a made-up key goes once another model or key is chosen.
    await page.getByLabel('Send as').selectOption('pasted');
    await page.getByLabel('App key').fill('sk-not-a-key-this-gateway-knows-000000');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'The gateway refused this request' });
    await refusal.waitFor(WAIT);
    await page.getByLabel('Send as').selectOption('session');
    expect(await refusal.count()).toBe(0);
    expect(browser.browserErrors).toEqual([]);
  }, 60_000);
});
