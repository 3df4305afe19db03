// Failed requests in the dashboard (issue 14, item 5), in a real headless Chromium against a real
// gateway (startGateway: SQLite in a temp dir, admin key, the freshly built bundle) and a loopback
// mock upstream: a request to a server that answers 404 (an OpenAI-compatible base URL without
// /v1) shows why in the Logs detail (the message naming the model and the address, the upstream's
// status and an excerpt of what it said), and a request refused by the key's rate limit is
// counted as rejected, apart from errors, on the Overview and the Usage page, and has its own
// Logs filter.
import OpenAI from 'openai';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDashboardPage, signIn, startDashboardSession, WAIT, type DashboardSession } from '../support/dashboard-browser.js';

let session: DashboardSession;
let page: Page;

beforeAll(async () => {
  session = await startDashboardSession({
    name: 'dashboard-failed-e2e',
    // A server that lives under /v1 (vLLM, LM Studio): FastAPI's 404 anywhere else.
    mock: {
      defaultBehaviour: {
        kind: 'per-request',
        choose: ({ path }) => (path.startsWith('/v1/') ? { kind: 'ok' } : { kind: 'status', status: 404, body: { detail: 'Not Found' } }),
      },
    },
    config: (mockUrl) => `model_list:
  - model_name: qwen-local
    litellm_params: { model: hosted_vllm/qwen2.5, api_base: "${mockUrl}" }
  - model_name: good
    litellm_params: { model: hosted_vllm/qwen2.5, api_base: "${mockUrl}/v1" }
router_settings:
  num_retries: 0
  cooldown_time: 0
`,
    // The requests go out before the dashboard opens: it must show them on its first load.
    signIn: false,
  });
  ({ page } = session);
}, 120_000);

afterAll(async () => {
  await session?.close();
});

async function createKey(alias: string, rpm: number): Promise<string> {
  const response = await session.admin('/key/generate', { key_alias: alias, rpm_limit: rpm });
  expect(response.status).toBe(200);
  return (response.json as { key: string }).key;
}

describe('failed requests in the dashboard (Chromium, real gateway)', () => {
  it('shows why a request failed in the Logs detail, and counts a rate-limit refusal as rejected apart from errors', async () => {
    const key = await createKey('notes-app', 2);
    const client = new OpenAI({ baseURL: `${session.gateway.url}/v1`, apiKey: key, maxRetries: 0 });
    const hi = [{ role: 'user' as const, content: 'hi' }];
    await expect(client.chat.completions.create({ model: 'qwen-local', messages: hi })).rejects.toMatchObject({ status: 404 });
    await client.chat.completions.create({ model: 'good', messages: hi });
    await expect(client.chat.completions.create({ model: 'good', messages: hi })).rejects.toMatchObject({ status: 429 });

    await signIn(page, session.gateway.url, session.adminKey);

    // Overview: today's 3 requests, 1 error (the 404), 1 rejected (the rate limit).
    const today = page.getByRole('region', { name: 'Today' });
    await today.getByText('Rejected').waitFor(WAIT);
    await expect.poll(async () => statValue(page, today, 'Requests'), WAIT).toBe('3');
    expect(await statValue(page, today, 'Errors')).toBe('1');
    expect(await statValue(page, today, 'Rejected')).toBe('1');

    // Logs: the failed request's detail says why.
    await openDashboardPage(page, 'Logs');
    const failedRow = page.getByRole('row').filter({ hasText: 'Upstream error' });
    await failedRow.waitFor(WAIT);
    await failedRow.getByRole('button', { name: /^Details of the notes-app request/ }).click();
    const detail = page.getByRole('region', { name: /^Request / });
    await detail.getByRole('heading', { name: 'Why it failed' }).waitFor(WAIT);
    await detail.getByText(
      `The server for model "qwen-local" answered HTTP 404 at ${session.mock.url}/chat/completions: Not Found; ` +
        `OpenAI-compatible servers usually live under /v1: try api_base ${session.mock.url}/v1`,
    ).waitFor(WAIT);
    await detail.getByText('The upstream answered HTTP 404.').waitFor(WAIT);
    await detail.getByText('{"detail":"Not Found"}').waitFor(WAIT);
    await detail.getByRole('button', { name: 'Close' }).click();

    // The refused request: its own reason, and its own filter, apart from errors.
    const rejectedRow = page.getByRole('row').filter({ hasText: 'Rejected' });
    await rejectedRow.getByRole('button', { name: /^Details of the notes-app request/ }).click();
    await page.getByRole('heading', { name: 'Why it was refused' }).waitFor(WAIT);
    await page.getByText(/^Rate limit exceeded for notes-app: 2 requests per minute\. Retry after \d+ s\.$/).waitFor(WAIT);
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByLabel('Outcome').selectOption({ label: 'Errors (not rejections)' });
    await expect.poll(async () => page.getByRole('row').filter({ hasText: 'notes-app' }).count(), WAIT).toBe(1);
    expect(await page.getByRole('row').filter({ hasText: 'Upstream error' }).count()).toBe(1);
    await page.getByLabel('Outcome').selectOption({ label: 'Rejected' });
    await expect.poll(async () => page.getByRole('row').filter({ hasText: 'notes-app' }).count(), WAIT).toBe(1);
    expect(await page.getByRole('row').filter({ hasText: 'Rejected' }).count()).toBe(1);

    // Usage: the range's totals count the refusal apart too.
    await openDashboardPage(page, 'Usage');
    const totals = page.getByRole('region', { name: 'Totals for the range' });
    await totals.getByText('Rejected').waitFor(WAIT);
    expect(await statValue(page, totals, 'Errors')).toBe('1');
    expect(await statValue(page, totals, 'Rejected')).toBe('1');
    expect(session.browserErrors).toEqual([]);
  });
});

/** The value of the stat tile labelled `label` inside `scope`. */
async function statValue(_page: Page, scope: ReturnType<Page['getByRole']>, label: string): Promise<string> {
  const tile = scope.locator('.stat').filter({ has: _page.locator('.stat-label', { hasText: new RegExp(`^${label}$`) }) });
  return ((await tile.locator('.stat-value').textContent()) ?? '').trim();
}
