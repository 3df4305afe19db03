// The Apps page and the app views of the dashboard (issue 19 items 3 and 5), in a real headless
// Chromium against a real open gateway (startGateway: no admin key, SQLite in a temp dir, the
// freshly built bundle) and the loopback mock upstream: two programs that send no key, told apart
// by their User-Agent product tokens, appear on the Apps page with their requests and spend today;
// a budget set in the page's form refuses the next request of one while the other carries on; the
// Logs App filter (sent to the gateway) shows only that app's requests, also when opened from the
// Usage page's per-app table; clearing the rule lets the app call again; with "Only allowed apps
// may call" switched on in Settings, only the app allowed in its rule gets through.
import { join, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDashboardPage, startDashboardSession, WAIT, type DashboardSession } from '../support/dashboard-browser.js';

const SCREENSHOTS = resolve('docs/screenshots');

let session: DashboardSession;
let page: Page;

beforeAll(async () => {
  session = await startDashboardSession({
    name: 'dashboard-apps-e2e',
    // Open mode: programs on this machine call without a key, each named by its User-Agent.
    adminKey: null,
    // The mock answers 10 prompt and 4 completion tokens: 10 x $20/1M + 4 x $1,000/1M = $0.0042 a request.
    config: (mockUrl) => `model_list:
  - model_name: priced-model
    litellm_params: { model: openai/up-model, api_base: "${mockUrl}/v1" }
    model_info: { input_cost_per_token: 0.00002, output_cost_per_token: 0.001 }
  - model_name: other-model
    litellm_params: { model: openai/up-model, api_base: "${mockUrl}/v1" }
    model_info: { input_cost_per_token: 0.00002, output_cost_per_token: 0.001 }
`,
  });
  ({ page } = session);
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await session?.close();
});

/** One chat completion as the program `product` (its User-Agent product token), without a key. */
async function callAs(product: string): Promise<{ status: number; code: string | null }> {
  const response = await fetch(`${session.gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': `${product}/1.0 (e2e)` },
    // max_tokens keeps the worst case held against the budget small.
    body: JSON.stringify({ model: 'priced-model', max_tokens: 5, messages: [{ role: 'user', content: 'Say hello' }] }),
  });
  const body = (await response.json()) as { error?: { code?: string } };
  return { status: response.status, code: body.error?.code ?? null };
}

const appRow = (name: string) => page.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
const logRows = (app: string) => page.getByRole('table', { name: /Recent requests/ }).getByRole('row').filter({ has: page.getByRole('cell', { name: app, exact: true }) });

describe('apps in the dashboard (Chromium, real open gateway)', () => {
  it('lists two keyless programs, stops one with a budget set in the page while the other continues, and filters Logs by app', async () => {
    expect(await callAs('SyncNotes')).toEqual({ status: 200, code: null });
    expect(await callAs('SyncNotes')).toEqual({ status: 200, code: null });
    expect(await callAs('NightlyDigest')).toEqual({ status: 200, code: null });

    // Apps: both, with today's requests and spend; neither has a rule yet.
    await openDashboardPage(page, 'Apps');
    const notes = appRow('SyncNotes');
    const digest = appRow('NightlyDigest');
    await notes.getByText('2 requests · $0.0084').waitFor(WAIT);
    await digest.getByText('1 request · $0.0042').waitFor(WAIT);
    expect(await notes.getByRole('button', { name: 'Clear the rule for SyncNotes' }).count()).toBe(0);

    // A budget below what SyncNotes has spent, set through the form: its next request is refused.
    await notes.getByRole('button', { name: 'Edit the rule for SyncNotes' }).click();
    await page.getByRole('heading', { name: 'Rule for SyncNotes' }).waitFor(WAIT);
    await page.getByLabel('Budget (USD)').fill('0.005');
    await page.getByRole('button', { name: 'Save rule' }).click();
    await page.getByText('Saved the rule for SyncNotes.').waitFor(WAIT);
    await notes.getByText('$0.0084 / $0.005').waitFor(WAIT);
    expect(await notes.getByText('Over budget').count()).toBe(1);

    expect(await callAs('SyncNotes')).toEqual({ status: 429, code: 'budget_exceeded' });
    expect(await callAs('NightlyDigest')).toEqual({ status: 200, code: null });
    await digest.getByText('2 requests · $0.0084').waitFor(WAIT);
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(SCREENSHOTS, 'apps.png'), fullPage: true });

    // Logs: every app's requests, then SyncNotes' only (the gateway filters: app=).
    await openDashboardPage(page, 'Logs');
    await expect.poll(() => logRows('NightlyDigest').count(), WAIT).toBe(2);
    expect(await logRows('SyncNotes').count()).toBe(3);
    await page.getByLabel('App', { exact: true }).selectOption('SyncNotes');
    await expect.poll(() => logRows('NightlyDigest').count(), WAIT).toBe(0);
    expect(await logRows('SyncNotes').count()).toBe(3);
    expect(await logRows('SyncNotes').filter({ hasText: 'Rejected' }).count()).toBe(1);
    expect(new URL(page.url()).hash).toBe('#/logs?app=SyncNotes');

    // Usage: the per-app table links to an app's requests in Logs.
    await openDashboardPage(page, 'Usage');
    await page.getByRole('table', { name: /Per app/ }).getByRole('link', { name: 'NightlyDigest', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Logs' }).waitFor(WAIT);
    await expect.poll(() => logRows('NightlyDigest').count(), WAIT).toBe(2);
    expect(await logRows('SyncNotes').count()).toBe(0);
    expect(await page.getByLabel('App', { exact: true }).inputValue()).toBe('NightlyDigest');

    // Clearing the rule (confirmed) lets SyncNotes call again.
    await openDashboardPage(page, 'Apps');
    await notes.getByRole('button', { name: 'Clear the rule for SyncNotes' }).click();
    await page.getByRole('button', { name: 'Clear', exact: true }).click();
    await page.getByText('Cleared the rule for SyncNotes.').waitFor(WAIT);
    await notes.getByText('no limit').waitFor(WAIT);
    expect(await callAs('SyncNotes')).toEqual({ status: 200, code: null });

    // Settings: only allowed apps may call. The Apps page says so and marks both as refused.
    await openDashboardPage(page, 'Settings');
    const onlyAllowed = page.getByRole('form', { name: 'Apps without a key' });
    await onlyAllowed.getByLabel('Only allowed apps may call').check();
    await onlyAllowed.getByRole('button', { name: 'Save', exact: true }).click();
    await onlyAllowed.getByText('Saved.').waitFor(WAIT);
    expect(await callAs('NightlyDigest')).toEqual({ status: 403, code: 'app_not_allowed' });
    await openDashboardPage(page, 'Apps');
    await page.getByRole('heading', { name: 'Only allowed apps may call' }).waitFor(WAIT);
    await digest.getByText('Not allowed: refused').waitFor(WAIT);
    // Allowing SyncNotes in its rule lets it through; NightlyDigest stays refused.
    await notes.getByRole('button', { name: 'Edit the rule for SyncNotes' }).click();
    await page.getByLabel('Allowed when only allowed apps may call').check();
    await page.getByRole('button', { name: 'Save rule' }).click();
    await page.getByText('Saved the rule for SyncNotes.').waitFor(WAIT);
    await notes.getByText('Allowed', { exact: true }).waitFor(WAIT);
    expect(await callAs('SyncNotes')).toEqual({ status: 200, code: null });
    expect(await callAs('NightlyDigest')).toEqual({ status: 403, code: 'app_not_allowed' });

    expect(session.failedCalls).toEqual([]);
    expect(session.browserErrors).toEqual([]);
  });

  it("fits the Apps page into the tray app's window (420 px) without sideways scrolling, each app as a card", async () => {
    await page.setViewportSize({ width: 420, height: 800 });
    try {
      await openDashboardPage(page, 'Apps');
      await appRow('SyncNotes').waitFor(WAIT);
      await page.waitForLoadState('networkidle');
      expect(await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }))).toEqual({ scrollWidth: 420, clientWidth: 420 });
      const today = appRow('SyncNotes').locator('td[data-label="Today"]');
      expect(await today.evaluate((el) => getComputedStyle(el, '::before').content)).toBe('"Today"');
    } finally {
      await page.setViewportSize({ width: 1280, height: 860 });
    }
  });
});
