// The dashboard in the tray app's small window (420 x 800) and for a local-model user, in a real
// headless Chromium against a real gateway (startGateway, SQLite in a temp dir) and the loopback
// mock upstream, called with the official openai SDK. Two apps (two keys) use a free local model
// first: Usage opens on requests (not a flat $0 chart), the per-app stacked chart shows both
// apps, and $0 on the local model reads "free". Then priced models: "$0.0042" and "<$0.0001".
// On every page: no sideways scrolling of the page, tables as cards, keys and URLs on one line
// (ellipsis, full value on hover and focus). Screenshots go to the test's temp dir only.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDashboardPage, signIn, startDashboardSession, WAIT, type DashboardPageName, type DashboardSession } from '../support/dashboard-browser.js';

const PAGES: DashboardPageName[] = ['Overview', 'Models', 'Keys', 'Usage', 'Logs', 'Settings'];

let session: DashboardSession;
let shots: string;
let page: Page;
const keys: Record<string, string> = {};

beforeAll(async () => {
  session = await startDashboardSession({
    name: 'dashboard-narrow',
    // The mock answers 10 prompt and 4 completion tokens. priced-model: 10 x $20/1M + 4 x $1,000/1M
    // = 4,200 micro-USD ($0.0042); tiny-model: 10 x $2.50/1M + 4 x $10/1M = 65 micro-USD (<$0.0001).
    // local-model is an OpenAI-compatible server on this machine with no price: free.
    config: (mockUrl) => `model_list:
  - model_name: local-model
    litellm_params: { model: hosted_vllm/local-llm-with-a-rather-long-upstream-name, api_base: "${mockUrl}/v1/a/deliberately/long/path/to/see/how/urls/behave" }
  - model_name: priced-model
    litellm_params: { model: openai/up-model, api_base: "${mockUrl}/v1" }
    model_info: { input_cost_per_token: 0.00002, output_cost_per_token: 0.001 }
  - model_name: tiny-model
    litellm_params: { model: openai/up-model, api_base: "${mockUrl}/v1" }
    model_info: { input_cost_per_token: 0.0000025, output_cost_per_token: 0.00001 }
`,
    browser: { width: 420, height: 800 },
    // The apps' requests go out first: Usage must open on them.
    signIn: false,
  });
  ({ page } = session);
  shots = join(session.work, 'screenshots');
  mkdirSync(shots, { recursive: true });
  for (const alias of ['notes-app', 'code-assistant']) {
    const response = await session.admin('/key/generate', { key_alias: alias });
    expect(response.status).toBe(200);
    keys[alias] = (response.json as { key: string }).key;
  }
}, 180_000);

afterAll(async () => {
  await session?.close();
});

async function ask(app: string, model: string): Promise<void> {
  const client = new OpenAI({ apiKey: keys[app]!, baseURL: `${session.gateway.url}/v1`, maxRetries: 0 });
  const reply = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Say hello' }] });
  expect(reply.choices[0]?.message.content).toBe('Hello, world!');
}

/**
 * What scrolls sideways on this page: the page itself, elements reaching past the window that
 * no narrower scrolling box holds (a code block scrolling inside itself is fine), and table
 * regions that scroll without a visible hint.
 */
async function sidewaysScroll(name: string): Promise<{ page: string; scrollWidth: number; clientWidth: number; wide: string[]; unhinted: string[] }> {
  // The hint follows a resize observer: give it up to 5 s to catch up with data that just arrived
  // (one reading can land between a health result widening the table and the hint's re-render).
  const measure = () => page.evaluate(() => {
    const root = document.scrollingElement!;
    const held = (el: HTMLElement): boolean => {
      for (let up = el.parentElement; up !== null && up !== document.body; up = up.parentElement) {
        if (getComputedStyle(up).overflowX !== 'visible' && up.getBoundingClientRect().right <= root.clientWidth + 1) return true;
      }
      return false;
    };
    const wide = [...document.querySelectorAll<HTMLElement>('main *')]
      .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1 && !el.closest('.visually-hidden, .offscreen') && !held(el))
      .slice(0, 3)
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${el.textContent?.slice(0, 40)}`);
    const unhinted = [...document.querySelectorAll<HTMLElement>('.table-wrap')]
      .filter((el) => el.scrollWidth > el.clientWidth + 1 && el.offsetParent !== null)
      .filter((el) => {
        const hint = el.parentElement?.querySelector<HTMLElement>('.scroll-hint');
        return hint === null || hint === undefined || hint.offsetParent === null;
      })
      .map((el) => el.querySelector('caption')?.textContent ?? el.className);
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide, unhinted };
  });
  let found = await measure();
  for (const until = Date.now() + 5_000; found.unhinted.length > 0 && Date.now() < until; found = await measure()) await page.waitForTimeout(100);
  return { page: name, ...found };
}

async function expectNoSidewaysScroll(name: string): Promise<void> {
  const found = await sidewaysScroll(name);
  expect(found).toEqual({ page: name, scrollWidth: found.clientWidth, clientWidth: found.clientWidth, wide: [], unhinted: [] });
}

/** A key or URL sits on one line, cut with an ellipsis, its full value in a title and reachable by keyboard. */
async function expectOneLineToken(token: Locator, full: string): Promise<void> {
  await token.waitFor(WAIT);
  const style = await token.evaluate((el) => {
    const css = getComputedStyle(el);
    return { whiteSpace: css.whiteSpace, textOverflow: css.textOverflow, overflow: css.overflowX, height: el.getBoundingClientRect().height, lineHeight: parseFloat(css.lineHeight) || parseFloat(css.fontSize) * 1.5, tabIndex: (el as HTMLElement).tabIndex, title: el.getAttribute('title') };
  });
  expect(style).toMatchObject({ whiteSpace: 'nowrap', textOverflow: 'ellipsis', overflow: 'hidden', tabIndex: 0, title: full });
  expect(style.height).toBeLessThan(style.lineHeight * 1.6);
}

async function shot(name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: join(shots, `narrow-${name}.png`), fullPage: true });
}

describe('dashboard at 420 px for a local-model user (Chromium, real gateway)', () => {
  it('opens Usage on requests when nothing cost money, stacks both apps per hour and says "free"', async () => {
    await ask('notes-app', 'local-model');
    await ask('notes-app', 'local-model');
    await ask('code-assistant', 'local-model');
    await signIn(page, session.gateway.url, session.adminKey);
    await openDashboardPage(page, 'Usage');

    // Spend is $0 over the range: the chart measure is requests.
    await page.getByLabel('Range', { exact: true }).selectOption('today');
    const overTime = page.getByRole('region', { name: 'Apps over time' });
    await overTime.getByRole('figure', { name: 'Requests per hour by app' }).waitFor(WAIT);
    expect(await page.getByLabel('Chart', { exact: true }).inputValue()).toBe('requests');

    // Both apps are stacked series with a legend, and the same numbers are in a table.
    const legend = overTime.getByRole('list', { name: 'Apps' });
    await legend.getByText('notes-app').waitFor(WAIT);
    await legend.getByText('code-assistant').waitFor(WAIT);
    expect(await overTime.locator('svg rect.series-0').count()).toBeGreaterThan(0);
    expect(await overTime.locator('svg rect.series-1').count()).toBeGreaterThan(0);
    const figure = overTime.getByRole('figure');
    expect(await figure.getAttribute('aria-describedby')).toBeTruthy();
    const summaryText = await page.locator(`[id="${await figure.getAttribute('aria-describedby')}"]`).textContent();
    expect(summaryText).toContain('notes-app 2');
    expect(summaryText).toContain('code-assistant 1');
    await overTime.getByText('Show as a table').click();
    await overTime.getByRole('rowheader', { name: 'code-assistant' }).waitFor(WAIT);

    // $0 on the unpriced local model reads "free".
    const perModel = page.getByRole('region', { name: 'Per model' });
    const localRow = perModel.locator('tbody tr').filter({ hasText: 'local-model' });
    await localRow.locator('td', { hasText: /^free$/ }).waitFor(WAIT);
    await shot('usage-local');
    await expectNoSidewaysScroll('Usage');

    await openDashboardPage(page, 'Logs');
    const localLog = page.locator('tbody tr').filter({ hasText: 'local-model' }).first();
    await localLog.locator('td', { hasText: /^free$/ }).waitFor(WAIT);
  });

  it('shows priced spend as "$0.0042" and "<$0.0001", and Usage then opens on spend', async () => {
    await ask('notes-app', 'priced-model');
    await ask('code-assistant', 'tiny-model');
    await openDashboardPage(page, 'Logs');
    await page.locator('tbody tr').filter({ hasText: 'priced-model' }).locator('td', { hasText: /^\$0\.0042$/ }).waitFor(WAIT);
    await page.locator('tbody tr').filter({ hasText: 'tiny-model' }).locator('td', { hasText: /^<\$0\.0001$/ }).waitFor(WAIT);

    await openDashboardPage(page, 'Usage');
    await page.getByRole('region', { name: 'Apps over time' }).getByRole('figure', { name: 'Spend per day by app' }).waitFor(WAIT);
    expect(await page.getByLabel('Chart', { exact: true }).inputValue()).toBe('spend');
    const perModel = page.getByRole('region', { name: 'Per model' });
    await perModel.locator('tbody tr').filter({ hasText: 'priced-model' }).locator('td', { hasText: /^\$0\.0042$/ }).waitFor(WAIT);
    await perModel.locator('tbody tr').filter({ hasText: 'tiny-model' }).locator('td', { hasText: /^<\$0\.0001$/ }).waitFor(WAIT);
    await perModel.locator('tbody tr').filter({ hasText: 'local-model' }).locator('td', { hasText: /^free$/ }).waitFor(WAIT);
  });

  it('fits every page into 420 px without sideways scrolling, tables as cards', async () => {
    const found = [];
    for (const name of PAGES) {
      await openDashboardPage(page, name);
      await page.waitForLoadState('networkidle');
      await shot(name.toLowerCase());
      found.push(await sidewaysScroll(name));
    }
    expect(found).toEqual(PAGES.map((name) => ({ page: name, scrollWidth: 420, clientWidth: 420, wide: [], unhinted: [] })));
    // Keys, Logs and Usage tables read as cards: each cell names its column.
    await openDashboardPage(page, 'Keys');
    const keyCard = page.locator('tbody tr').filter({ hasText: 'notes-app' });
    await keyCard.locator('td[data-label="Last used"]').waitFor(WAIT);
    expect(await keyCard.locator('td[data-label="Last used"]').evaluate((el) => getComputedStyle(el, '::before').content)).toBe('"Last used"');
  });

  it('keeps keys and URLs on one line with the full value on hover and focus, and says when a key was last used', async () => {
    await openDashboardPage(page, 'Keys');
    const row = page.locator('tbody tr').filter({ hasText: 'notes-app' });
    const masked = `sk-...${keys['notes-app']!.slice(-4)}`;
    await expectOneLineToken(row.locator('.token', { hasText: masked }), masked);
    // Relative, with the exact time and its zone on hover and focus.
    const lastUsed = row.locator('td[data-label="Last used"] time');
    await lastUsed.getByText(/^(just now|\d+ min ago)$/).waitFor(WAIT);
    expect(await lastUsed.getAttribute('title')).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} (UTC|GMT[+-]\d+|[A-Z]{2,5})$/);
    expect(await lastUsed.getAttribute('tabindex')).toBe('0');

    await openDashboardPage(page, 'Models');
    const longBase = `${session.mock.url}/v1/a/deliberately/long/path/to/see/how/urls/behave`;
    await expectOneLineToken(page.locator('.token', { hasText: /deliberately/ }).first(), longBase);

    await openDashboardPage(page, 'Overview');
    await expectOneLineToken(page.locator('.token', { hasText: `${session.gateway.url}/v1` }).first(), `${session.gateway.url}/v1`);
  });

  it('between card and full layouts (700 px), a table that must scroll says so and the page still does not', async () => {
    await page.setViewportSize({ width: 700, height: 800 });
    try {
      const found = [];
      for (const name of PAGES) {
        await openDashboardPage(page, name);
        await page.waitForLoadState('networkidle');
        found.push(await sidewaysScroll(name));
      }
      expect(found).toEqual(PAGES.map((name) => ({ page: name, scrollWidth: 700, clientWidth: 700, wide: [], unhinted: [] })));
      // The Logs table is wider than the card here: it scrolls in its own box, with the hint, and keyboard users can scroll it.
      await openDashboardPage(page, 'Logs');
      await page.getByText('Scroll sideways for more columns →').waitFor(WAIT);
      expect(await page.getByRole('region', { name: 'Recent requests (scrolls sideways)' }).getAttribute('tabindex')).toBe('0');
      await shot('logs-700');
    } finally {
      await page.setViewportSize({ width: 420, height: 800 });
    }
  });
});
