// The dashboard as a new user meets it, in a real headless Chromium against a real gateway
// (startGateway: SQLite in a temp dir, admin key, the freshly built bundle) and the loopback mock
// upstream: sign in, add two models on the Models page, create a key, call the gateway with the
// official openai SDK using it, see the request appear in Logs without reloading and its cost in
// Usage, switch the active model, allow a browser origin and see the live server honour it.
// Saves a screenshot of every page to docs/screenshots/ (light, plus the Overview in dark).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import OpenAI from 'openai';
import pino from 'pino';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../main/start-gateway.js';
import { DASHBOARD_CSP } from '../../main/gateway/routes/dashboard-routes.js';
import { createMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import { sendToGateway } from '../support/send-to-gateway.js';
import { buildDashboardBundle, launchDashboardBrowser, openDashboardPage, WAIT, type DashboardBrowser, type DashboardPageName } from '../support/dashboard-browser.js';

const MASTER_KEY = 'sk-dashboard-e2e-master-0123456789';
const SCREENSHOTS = resolve('docs/screenshots');

let work: string;
let mock: MockUpstream;
let running: RunningGateway;
let browser: DashboardBrowser;
let page: Page;
let browserErrors: string[] = [];
let failedCalls: string[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'switchboard-dashboard-e2e-'));
  const bundle = await buildDashboardBundle(work);
  mock = await createMockUpstream();
  // An empty start: no models in the config, nothing in the database.
  const configFile = join(work, 'config.yaml');
  writeFileSync(configFile, 'model_list: []\n');
  running = await startGateway({
    configFile, dataDir: join(work, 'data'), host: '127.0.0.1', port: 0, masterKey: MASTER_KEY, env: {}, log: pino({ level: 'silent' }), dashboardDir: bundle,
    allowEmpty: true,
  });
  // Failed calls are checked one by one below (failedCalls); any console error is a defect.
  browser = await launchDashboardBrowser();
  ({ page, browserErrors, failedCalls } = browser);
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await running?.close();
  await mock?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function shot(name: string): Promise<void> {
  // Let charts and live regions settle on their final text before the picture.
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

async function openPage(name: DashboardPageName | 'Playground'): Promise<void> {
  await openDashboardPage(page, name);
}

async function addModel(values: { name: string; provider: string; upstream: string; base: string; input?: string; output?: string }): Promise<void> {
  await page.getByRole('button', { name: 'Add a model', exact: true }).click();
  await page.getByLabel('Model name').fill(values.name);
  await page.getByLabel('Provider', { exact: true }).selectOption(values.provider);
  await page.getByLabel('Model at the provider').fill(values.upstream);
  await page.getByLabel('Base URL').fill(values.base);
  if (values.input) await page.getByLabel('Input price (USD per 1M tokens)').fill(values.input);
  if (values.output) await page.getByLabel('Output price (USD per 1M tokens)').fill(values.output);
  await page.getByRole('button', { name: 'Add model', exact: true }).click();
  await page.getByText(`Added ${values.name} (${values.provider}/${values.upstream}).`).waitFor(WAIT);
}

describe('dashboard (Chromium, real gateway)', () => {
  it('takes a new user from an empty gateway to a metered request, an active-model switch and an allowed origin', async () => {
    // Sign in. The page and its assets carry the strict CSP.
    const response = await page.goto(running.url);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toBe(DASHBOARD_CSP);
    expect(response?.headers()['x-content-type-options']).toBe('nosniff');
    await page.getByLabel('Key', { exact: true }).waitFor(WAIT);
    await shot('login');
    await page.getByLabel('Key', { exact: true }).fill('sk-not-the-admin-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('That key was not accepted').waitFor(WAIT);
    await page.getByLabel('Key', { exact: true }).fill(MASTER_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();

    // First run: the guide leads to Models.
    await page.getByRole('heading', { name: 'Get started' }).waitFor(WAIT);
    await page.getByRole('heading', { name: 'Deployment health' }).waitFor(WAIT);
    await page.getByText('No deployments yet').waitFor(WAIT);
    await shot('overview-first-run');
    await page.getByRole('link', { name: 'Go to Models' }).click();
    await page.getByRole('heading', { level: 1, name: 'Models' }).waitFor(WAIT);
    await page.getByText('No models yet.').waitFor(WAIT);

    // Add two models pointing at the mock: a priced OpenAI-compatible one and an Ollama one.
    await addModel({ name: 'gpt-mock', provider: 'openai_like', upstream: 'up-model', base: `${mock.url}/v1`, input: '2.5', output: '10' });
    await addModel({ name: 'local-llama', provider: 'ollama_chat', upstream: 'llama3.2', base: mock.url });
    await page.getByRole('rowgroup').filter({ hasText: 'gpt-mock' }).getByText('$2.50 / 1M').waitFor(WAIT);
    await page.getByRole('button', { name: 'Test gpt-mock (openai_like/up-model)' }).click();
    await page.getByText('Hello, world!').waitFor(WAIT);
    // Opening another model's form clears the note about the last one.
    await page.getByText('Added local-llama (ollama_chat/llama3.2).').waitFor(WAIT);
    await page.getByRole('button', { name: 'Edit gpt-mock (openai_like/up-model)' }).click();
    await page.getByRole('button', { name: 'Cancel', exact: true }).waitFor(WAIT);
    expect(await page.getByText('Added local-llama (ollama_chat/llama3.2).').count()).toBe(0);
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();

    // Create a key for an app; it is shown once.
    await openPage('Keys');
    await page.getByText('No app keys yet.').waitFor(WAIT);
    await page.getByRole('button', { name: 'Create a key', exact: true }).click();
    await page.getByLabel('App name').fill('e2e-app');
    await page.getByLabel('Budget (USD)').fill('5');
    await page.getByRole('button', { name: 'Create key', exact: true }).click();
    await page.getByText('Copy this key now. It will not be shown again.').waitFor(WAIT);
    const key = (await page.getByTestId('new-key').textContent())?.trim() ?? '';
    expect(key).toMatch(/^sk-/);
    await shot('keys-new-key');
    await page.getByRole('button', { name: 'I have copied it' }).click();
    await page.getByRole('rowheader', { name: 'e2e-app' }).waitFor(WAIT);
    expect(await page.getByTestId('new-key').count()).toBe(0);
    expect(await page.locator('body').textContent()).not.toContain(key);

    // Logs is open and empty when the app makes its first call; the request appears by itself.
    await openPage('Logs');
    await page.getByText('No requests yet').waitFor(WAIT);
    const client = new OpenAI({ apiKey: key, baseURL: `${running.url}/v1`, maxRetries: 0 });
    const reply = await client.chat.completions.create({ model: 'gpt-mock', messages: [{ role: 'user', content: 'Say hello' }] });
    expect(reply.choices[0]?.message.content).toBe('Hello, world!');
    const row = page.getByRole('row').filter({ hasText: 'e2e-app' });
    await row.waitFor(WAIT);
    // 10 prompt tokens at $2.50/1M + 4 completion tokens at $10/1M = $0.000065, shown as below $0.0001.
    await row.getByText('<$0.0001').waitFor(WAIT);
    await row.getByRole('button', { name: /^Details of the e2e-app request/ }).click();
    const detail = page.getByRole('region', { name: /^Request / });
    await detail.getByText('Body logging is off').waitFor(WAIT);
    expect(await detail.textContent()).toContain('gpt-mock · openai_like');
    await shot('logs');

    // Usage shows the spend per app from the summary API.
    await openPage('Usage');
    const perApp = page.getByRole('region', { name: 'Per app' });
    await perApp.getByRole('row', { name: /e2e-app/ }).getByText('<$0.0001').waitFor(WAIT);
    await page.getByRole('region', { name: 'Per model' }).getByRole('rowheader', { name: 'gpt-mock' }).waitFor(WAIT);
    await shot('usage');

    // Switch the active model to the Ollama one; an app asking for the alias follows it.
    await openPage('Models');
    await page.getByLabel(/Apps that send/).selectOption('local-llama');
    await page.getByRole('button', { name: 'Make active' }).click();
    await page.getByText('Active model is now local-llama.').waitFor(WAIT);
    const before = mock.requests.length;
    await client.chat.completions.create({ model: 'switchboard/active', messages: [{ role: 'user', content: 'Hi' }] });
    expect(mock.requests.slice(before).map((r) => r.path)).toEqual(['/api/chat']);
    await shot('models');

    // Allow a browser origin: the running server admits it at once (and refused it before).
    const origin = 'http://localhost:5173';
    const fromPage = () => sendToGateway(running.port, '/v1/models', undefined, { method: 'GET', key, headers: { origin } }).head;
    expect((await fromPage()).status).toBe(403);
    await openPage('Settings');
    await page.getByLabel('Add an origin').fill(origin);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved.').waitFor(WAIT);
    const allowed = await fromPage();
    expect(allowed.status).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe(origin);
    await shot('settings');

    // The Overview with data, in light and dark.
    await openPage('Overview');
    await page.getByRole('region', { name: 'Spend per app, last 7 days' }).getByText(/Total <\$0\.0001/).waitFor(WAIT);
    expect(await page.getByRole('heading', { name: 'Get started' }).count()).toBe(0);
    await page.getByText('Healthy').first().waitFor(WAIT);
    await shot('overview');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('overview-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // The playground: one streamed answer from the priced model.
    await openPage('Playground');
    await page.getByLabel('Model', { exact: true }).locator('option[value="gpt-mock"]').waitFor({ state: 'attached', ...WAIT });
    await page.getByLabel('Model', { exact: true }).selectOption('gpt-mock');
    await page.getByLabel('Message', { exact: true }).fill('Say hello');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByLabel('Last answer').waitFor(WAIT);
    await shot('playground');

    // The tray app's window is often small: the Overview at 420 px.
    await page.setViewportSize({ width: 420, height: 860 });
    await openPage('Overview');
    await page.getByText('Healthy').first().waitFor(WAIT);
    expect(await page.evaluate(() => document.scrollingElement!.scrollWidth <= document.scrollingElement!.clientWidth)).toBe(true);
    await shot('overview-narrow');
    await page.setViewportSize({ width: 1280, height: 860 });

    // No CSP violation or script error along the way. The only refused calls: the sign-in checks
    // (no key, then a wrong one) and /credentials, absent on a gateway without a keychain.
    expect(browserErrors).toEqual([]);
    expect(new Set(failedCalls)).toEqual(new Set(['401 /settings', '404 /credentials']));
  }, 180_000);
});
