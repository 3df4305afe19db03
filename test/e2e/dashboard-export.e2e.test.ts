// Export and backup in a real headless Chromium against two real gateways (startGateway, SQLite in
// temp dirs, the freshly built bundle): "Export as config.yaml" on the Models page shows and
// downloads the dashboard's models as a fragment our loader reads back, without a provider key;
// "Download backup" on Settings saves keys (hashes), models and settings, and "Restore from
// backup" on an empty second gateway makes the same virtual key work there, asks before replacing,
// and shows the gateway's sentence for a file it refuses.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import pino from 'pino';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../main/start-gateway.js';
import { parseConfigText } from '../../main/config/load-config.js';
import { createMemorySecretStore } from '../../main/secrets/memory-secret-store.js';
import { buildDashboardBundle, launchDashboardBrowser, openDashboardPage, signIn, WAIT, type DashboardBrowser } from '../support/dashboard-browser.js';

const MASTER_KEY = 'sk-dashboard-export-master-0123456789';
const PROVIDER_SECRET = 'sk-proj-export-e2e-provider-secret-0123456789';

let work: string;
let source: RunningGateway;
let target: RunningGateway;
let browser: DashboardBrowser;
let page: Page;
let appKey: string;

async function admin(gateway: RunningGateway, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${gateway.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${MASTER_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: await response.json() };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'switchboard-dashboard-export-'));
  const bundle = await buildDashboardBundle(work);
  const sourceConfig = join(work, 'source.yaml');
  writeFileSync(sourceConfig, 'model_list:\n  - model_name: from-config\n    litellm_params: { model: openai/c, api_base: "http://127.0.0.1:9/v1" }\n');
  const emptyConfig = join(work, 'empty.yaml');
  writeFileSync(emptyConfig, 'model_list: []\n');
  const common = { host: '127.0.0.1', port: 0, masterKey: MASTER_KEY, env: {}, log: pino({ level: 'silent' }), dashboardDir: bundle };
  source = await startGateway({ ...common, configFile: sourceConfig, dataDir: join(work, 'source-data'), secrets: createMemorySecretStore() });
  // The second gateway starts empty, as a fresh install the backup is restored into.
  target = await startGateway({ ...common, configFile: emptyConfig, dataDir: join(work, 'target-data'), allowEmpty: true, secrets: createMemorySecretStore() });

  expect((await admin(source, '/credentials', { name: 'openai-e2e', value: PROVIDER_SECRET })).status).toBe(201);
  expect((await admin(source, '/model/new', { model_name: 'gpt-mini', litellm_params: { model: 'openai/gpt-4o-mini', api_key: 'keychain/openai-e2e' } })).status).toBe(200);
  expect((await admin(source, '/model/new', { model_name: 'local-qwen', litellm_params: { model: 'ollama_chat/qwen3:8b', api_base: 'http://127.0.0.1:11434' } })).status).toBe(200);
  appKey = (await admin(source, '/key/generate', { key_alias: 'notes-app', models: ['local-qwen'] })).json.key as string;
  expect((await admin(source, '/settings', { retention_days: 9 })).status).toBe(200);

  browser = await launchDashboardBrowser();
  page = browser.page;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await source?.close();
  await target?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function downloadFrom(click: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download', WAIT), click()]);
  return { name: download.suggestedFilename(), text: readFileSync((await download.path())!, 'utf8') };
}

describe('dashboard export and backup (Chromium, real gateways)', () => {
  it('exports the dashboard models as a config.yaml fragment that loads back, with the provider key as a reference', async () => {
    await signIn(page, source.url, MASTER_KEY);
    await openDashboardPage(page, 'Models');
    await page.getByRole('button', { name: 'Export as config.yaml' }).click();
    const fragment = page.getByLabel('config.yaml fragment', { exact: true });
    await fragment.waitFor(WAIT);
    const shown = await fragment.textContent();
    expect(shown).toContain('api_key: keychain/openai-e2e');
    expect(shown).not.toContain(PROVIDER_SECRET);
    await page.getByText('2 models exported.').waitFor(WAIT);

    const file = await downloadFrom(() => page.getByRole('button', { name: 'Download switchboard-models.yaml' }).click());
    expect(file.name).toBe('switchboard-models.yaml');
    expect(file.text).toBe(shown);
    const reloaded = parseConfigText(file.text, file.name, {});
    expect(reloaded.deployments.map((d) => [d.modelName, `${d.provider}/${d.upstreamModel}`, d.credential])).toEqual([
      ['gpt-mini', 'openai/gpt-4o-mini', { kind: 'keychain', name: 'openai-e2e' }],
      ['local-qwen', 'ollama_chat/qwen3:8b', { kind: 'none' }],
    ]);
    expect(browser.browserErrors).toEqual([]);
  });

  it('downloads a backup on one gateway and restores it on an empty one, where the same virtual key works', async () => {
    await openDashboardPage(page, 'Settings');
    const backup = await downloadFrom(() => page.getByRole('button', { name: 'Download backup' }).click());
    expect(backup.name).toMatch(/^switchboard-backup-\d{4}-\d{2}-\d{2}\.json$/);
    expect(backup.text).not.toContain(appKey);
    expect(backup.text).not.toContain(PROVIDER_SECRET);
    await page.getByText('Backup downloaded: 1 key, 2 models and the settings.').waitFor(WAIT);
    const backupFile = join(work, backup.name);
    writeFileSync(backupFile, backup.text);

    const client = new OpenAI({ apiKey: appKey, baseURL: `${target.url}/v1`, maxRetries: 0 });
    await expect(client.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);

    await signIn(page, target.url, MASTER_KEY);
    await openDashboardPage(page, 'Settings');
    await page.getByLabel('Restore from backup').setInputFiles(backupFile);
    await page.getByText('Restored 1 key and 2 models; the keys work as before.').waitFor(WAIT);
    await expect.poll(() => page.getByLabel('Keep request logs for (days)').inputValue(), WAIT).toBe('9');

    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(['local-qwen']);

    // A second restore would replace what is now there: the dashboard asks first.
    await page.getByLabel('Restore from backup').setInputFiles(backupFile);
    await page.getByRole('alert').getByText('This gateway already has 1 key and 2 models added in the dashboard; restoring replaces them all.').waitFor(WAIT);
    await page.getByRole('button', { name: 'Replace with the backup' }).click();
    await page.getByText('Restored 1 key and 2 models; the keys work as before.').waitFor(WAIT);
    expect((await client.models.list()).data.map((m) => m.id)).toEqual(['local-qwen']);
    // The one refusal is the gateway asking for confirmation (the 401s are the sign-in pages' probes).
    expect(browser.failedCalls.filter((call) => !call.startsWith('401 '))).toEqual(['400 /backup/restore']);
    expect(browser.browserErrors).toEqual([]);
  });

  it('refuses a file that is not a backup, or one from a newer version, with a sentence and no change', async () => {
    await page.getByLabel('Restore from backup').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await page.getByRole('alert').getByText('notes.txt is not a Switchboard backup: it is not JSON.').waitFor(WAIT);
    const newer = { ...(await admin(target, '/backup')).json, version: 4 };
    await page.getByLabel('Restore from backup').setInputFiles({ name: 'newer.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(newer)) });
    await page.getByRole('alert').getByText('This backup is version 4; this Switchboard reads versions 1, 2 and 3 (it writes 3)').waitFor(WAIT);
    expect((await admin(target, '/backup')).json.keys).toHaveLength(1);
  });
});
