// No text cut off or drawn over other text on any dashboard page at 420 px (the tray app's small
// window) and 700 px, with real data in it: several apps with long names, a model with a long
// name, tiny and free spend, and a failed request. Real headless Chromium against a real gateway
// (startGateway, SQLite in a temp dir) and the loopback mock upstream, called with the official
// openai SDK. The check reads the laid-out page: SVG text outside its chart, text in a box that
// hides its overflow (a one-line token with an ellipsis and its full value in a title is the
// intended exception), a placeholder wider than its field, chart text drawn under 10 px, a chart
// leaving blank space under it,
// text reaching past the window, and text boxes (chart labels included) that overlap.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import pino from 'pino';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../main/start-gateway.js';
import { createMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import { buildDashboardBundle, launchDashboardBrowser, openDashboardPage, signIn, WAIT, type DashboardBrowser } from '../support/dashboard-browser.js';

const MASTER_KEY = 'sk-clipped-text-e2e-master-0123456789';
const LONG_MODEL = 'qwen2.5-coder-32b-instruct-for-code-review';
const APPS = ['notes-app', 'code-review-assistant-for-the-monorepo', 'obsidian-plugin'] as const;
const PAGES = ['Overview', 'Models', 'Keys', 'Teams', 'Usage', 'Logs', 'Settings', 'Playground'] as const;

let work: string;
let mock: MockUpstream;
let running: RunningGateway;
let browser: DashboardBrowser;
let page: Page;
const keys: Record<string, string> = {};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'switchboard-clipped-text-e2e-'));
  const bundle = await buildDashboardBundle(work);
  mock = await createMockUpstream();
  // A server that lives under /v1: a base URL without it gets a 404, the classic failed request.
  mock.setDefault({
    kind: 'per-request',
    choose: ({ path }) => (path.startsWith('/v1/') ? { kind: 'ok' } : { kind: 'status', status: 404, body: { detail: 'Not Found' } }),
  });
  const configFile = join(work, 'config.yaml');
  // The mock answers 10 prompt and 4 completion tokens: tiny-priced costs 65 micro-USD (<$0.0001).
  writeFileSync(configFile, `model_list:
  - model_name: ${LONG_MODEL}
    litellm_params: { model: hosted_vllm/qwen2.5-coder-32b-instruct-q4_K_M, api_base: "${mock.url}/v1" }
    model_info: { input_cost_per_token: 0.0000025, output_cost_per_token: 0.00001 }
  - model_name: local
    litellm_params: { model: hosted_vllm/llama3.2, api_base: "${mock.url}/v1" }
  - model_name: broken
    litellm_params: { model: hosted_vllm/qwen2.5, api_base: "${mock.url}" }
router_settings:
  num_retries: 0
  cooldown_time: 0
`);
  running = await startGateway({
    configFile, dataDir: join(work, 'data'), host: '127.0.0.1', port: 0, masterKey: MASTER_KEY, env: {}, log: pino({ level: 'silent' }), dashboardDir: bundle,
  });
  for (const alias of APPS) {
    const response = await fetch(`${running.url}/key/generate`, {
      method: 'POST', headers: { authorization: `Bearer ${MASTER_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ key_alias: alias, max_budget: 5, rpm_limit: 60 }),
    });
    expect(response.status).toBe(200);
    keys[alias] = ((await response.json()) as { key: string }).key;
  }
  // A team with a long name and a member with a long email (Teams, the Overview's team card, the Keys page's Team column).
  const team = await fetch(`${running.url}/team/new`, {
    method: 'POST', headers: { authorization: `Bearer ${MASTER_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ team_alias: 'research-and-development-for-the-monorepo', max_budget: 5, soft_budget: 4, budget_duration: '1mo', members_with_roles: [{ role: 'admin', user_email: 'someone.with.a.long.name@example-university.edu' }] }),
  });
  expect(team.status).toBe(200);
  const client = (app: string) => new OpenAI({ apiKey: keys[app]!, baseURL: `${running.url}/v1`, maxRetries: 0 });
  for (const [app, model] of [[APPS[0], LONG_MODEL], [APPS[0], LONG_MODEL], [APPS[1], LONG_MODEL], [APPS[1], 'local'], [APPS[2], 'local']] as const) {
    const reply = await client(app).chat.completions.create({ model, messages: [{ role: 'user', content: 'Say hello' }] });
    expect(reply.choices[0]?.message.content).toBe('Hello, world!');
  }
  await expect(client(APPS[2]).chat.completions.create({ model: 'broken', messages: [{ role: 'user', content: 'Say hello' }] })).rejects.toThrow();
  browser = await launchDashboardBrowser({ width: 420, height: 800 });
  page = browser.page;
  await signIn(page, running.url, MASTER_KEY);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await running?.close();
  await mock?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Every piece of text on the page that is cut off or drawn over other text, described. */
function findClippedText(target: Page): Promise<string[]> {
  return target.evaluate(() => {
    const root = document.scrollingElement!;
    const problems: string[] = [];
    const say = (what: string, text: string | null) => problems.push(`${what}: ${(text ?? '').trim().replace(/\s+/g, ' ').slice(0, 120)}`);
    // Hidden on purpose: screen-reader-only text (clipped to nothing), form controls' own text.
    const hidden = (el: Element): boolean => {
      if (el.closest('.visually-hidden, .offscreen, [hidden], option, select, textarea') !== null) return true;
      // A closed <details> still lays out its content (content-visibility: hidden) where it would be.
      const closed = el.closest('details:not([open])');
      if (closed !== null && el.closest('summary')?.parentElement !== closed) return true;
      for (let up: Element | null = el; up && up !== document.body; up = up.parentElement) {
        const css = getComputedStyle(up);
        if (css.clipPath !== 'none' || css.clip !== 'auto') return true;
      }
      return false;
    };
    // A chart's text must lie inside the chart's own box (an SVG clips what reaches past its viewport).
    for (const text of document.querySelectorAll<SVGGraphicsElement>('main svg text')) {
      let svg = text.ownerSVGElement!;
      while (svg.ownerSVGElement) svg = svg.ownerSVGElement;
      const t = text.getBoundingClientRect();
      const s = svg.getBoundingClientRect();
      if (t.width === 0 || hidden(text)) continue;
      if (t.left < s.left - 1 || t.right > s.right + 1 || t.top < s.top - 1 || t.bottom > s.bottom + 1) say('chart text cut by its chart', text.textContent);
      // A chart scaled down with the window shrinks its labels with it (7 px at 420 px).
      const drawnSize = parseFloat(getComputedStyle(text).fontSize) * (text.getScreenCTM()?.a ?? 1);
      if (drawnSize < 10) say('chart text too small to read', text.textContent);
    }
    // A chart scaled down to a narrow window keeps its proportions: no band of blank space under it.
    for (const svg of document.querySelectorAll<SVGSVGElement>('main figure > svg[viewBox]')) {
      const view = svg.viewBox.baseVal;
      const box = svg.getBoundingClientRect();
      if (box.width > 0 && box.height > (box.width * view.height) / view.width + 2) say('chart with blank space under it', svg.closest('figure')?.querySelector('figcaption')?.textContent ?? '');
    }
    // A box that hides its overflow cuts text, unless it is a one-line token: ellipsis, full value in a title.
    for (const el of document.querySelectorAll<HTMLElement>('main *')) {
      if (el instanceof SVGElement || hidden(el) || el.getClientRects().length === 0) continue;
      const css = getComputedStyle(el);
      const cutX = css.overflowX === 'hidden' || css.overflowX === 'clip';
      const cutY = css.overflowY === 'hidden' || css.overflowY === 'clip';
      if (cutX && el.scrollWidth > el.clientWidth + 1 && !(css.textOverflow === 'ellipsis' && el.title !== '')) say('text cut sideways', el.textContent);
      if (cutY && el.scrollHeight > el.clientHeight + 1) say('text cut at the bottom', el.textContent);
    }
    // A placeholder is the field's example or instruction: it must fit the empty field.
    const measure = document.createElement('canvas').getContext('2d')!;
    for (const input of document.querySelectorAll<HTMLInputElement>('main input[placeholder]')) {
      if (input.value !== '' || hidden(input) || input.getClientRects().length === 0) continue;
      const css = getComputedStyle(input);
      measure.font = css.font;
      const room = input.clientWidth - parseFloat(css.paddingLeft) - parseFloat(css.paddingRight);
      if (measure.measureText(input.placeholder).width > room + 1) say('placeholder cut', input.placeholder);
    }
    // Text lines: none past the window, and none on top of another. A line is measured as far as it
    // shows: boxes that scroll or hide their overflow (an ellipsis) cut it to their own box.
    const shownPart = (rect: DOMRect, el: Element): DOMRect | null => {
      let { left, top, right, bottom } = rect;
      for (let up: Element | null = el; up && up !== document.body; up = up.parentElement) {
        const css = getComputedStyle(up);
        if (css.overflowX === 'visible' && css.overflowY === 'visible') continue;
        const box = up.getBoundingClientRect();
        left = Math.max(left, box.left);
        right = Math.min(right, box.right);
        top = Math.max(top, box.top);
        bottom = Math.min(bottom, box.bottom);
      }
      return right - left < 1 || bottom - top < 1 ? null : new DOMRect(left, top, right - left, bottom - top);
    };
    const lines: { rect: DOMRect; node: Text | Element }[] = [];
    // Chart text is drawn, not laid out: two labels can land on the same spot.
    for (const text of document.querySelectorAll<SVGGraphicsElement>('main svg text')) {
      const rect = hidden(text) ? null : shownPart(text.getBoundingClientRect(), text);
      if (rect !== null) lines.push({ rect, node: text });
    }
    const walker = document.createTreeWalker(document.querySelector('main')!, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
      const parent = node.parentElement;
      if (!parent || node.data.trim() === '' || hidden(parent) || parent.closest('svg')) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const full of range.getClientRects()) {
        const rect = shownPart(full, parent);
        if (rect === null) continue;
        if (rect.right > root.clientWidth + 1) say('text past the window', node.data);
        lines.push({ rect, node });
      }
    }
    const where = (node: Text | Element) => {
      const path: string[] = [];
      for (let el = node instanceof Element ? node : node.parentElement; el && path.length < 3; el = el.parentElement) path.push(`${el.tagName.toLowerCase()}${el.classList[0] ? `.${el.classList[0]}` : ''}`);
      return path.join(' < ');
    };
    for (let i = 0; i < lines.length; i++) {
      for (let j = i + 1; j < lines.length; j++) {
        const a = lines[i]!;
        const b = lines[j]!;
        if (a.node === b.node) continue;
        const w = Math.min(a.rect.right, b.rect.right) - Math.max(a.rect.left, b.rect.left);
        const h = Math.min(a.rect.bottom, b.rect.bottom) - Math.max(a.rect.top, b.rect.top);
        // Line boxes of neighbouring lines may touch by a pixel or two; glyphs on glyphs overlap more.
        if (w > 2 && h > Math.min(a.rect.height, b.rect.height) / 3) say('text over other text', `${a.node.textContent} (${where(a.node)}) / ${b.node.textContent} (${where(b.node)})`);
      }
    }
    return [...new Set(problems)];
  });
}

async function clippedOnEveryPage(): Promise<Record<string, string[]>> {
  const found: Record<string, string[]> = {};
  for (const name of PAGES) {
    await openDashboardPage(page, name);
    await page.waitForLoadState('networkidle');
    found[name] = await findClippedText(page);
  }
  // The failed request's detail, opened from Logs.
  await openDashboardPage(page, 'Logs');
  await page.getByRole('button', { name: /^Details of the obsidian-plugin request/ }).first().click();
  await page.getByText('Not Found').first().waitFor(WAIT);
  found['Logs detail'] = await findClippedText(page);
  // The forms, and a key shown once.
  await openDashboardPage(page, 'Models');
  await page.getByRole('button', { name: 'Add a model', exact: true }).click();
  await page.getByLabel('Model name').waitFor(WAIT);
  found['Models form'] = await findClippedText(page);
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await openDashboardPage(page, 'Keys');
  await page.getByRole('button', { name: 'Create a key', exact: true }).click();
  await page.getByLabel('App name').fill(`a-rather-long-app-name-at-${page.viewportSize()!.width}-px`);
  found['Keys form'] = await findClippedText(page);
  await page.getByRole('button', { name: 'Create key', exact: true }).click();
  await page.getByTestId('new-key').waitFor(WAIT);
  found['Keys new key'] = await findClippedText(page);
  await page.getByRole('button', { name: 'I have copied it' }).click();
  // A turn in the playground: the answer, its tokens, latency and cost.
  await openDashboardPage(page, 'Playground');
  await page.getByLabel('Model', { exact: true }).selectOption(LONG_MODEL);
  await page.getByLabel('Message', { exact: true }).fill('Say hello');
  await page.getByRole('button', { name: 'Send', exact: true }).click();
  await page.getByRole('log', { name: 'Conversation' }).getByText('Hello, world!').waitFor(WAIT);
  await page.getByText(/^(<\$0\.0001|\$0\.0000\d+)/).first().waitFor(WAIT);
  found['Playground answer'] = await findClippedText(page);
  return found;
}

const NOTHING_CLIPPED = Object.fromEntries([...PAGES, 'Logs detail', 'Models form', 'Keys form', 'Keys new key', 'Playground answer'].map((name) => [name, []]));

describe('dashboard text is never cut or overlapping (Chromium, real gateway)', () => {
  it('shows the Overview\'s "Spend per app" names and values whole at 420 px', async () => {
    await openDashboardPage(page, 'Overview');
    const chart = page.getByRole('region', { name: 'Spend per app, last 7 days' }).getByRole('figure');
    await chart.getByText(APPS[1]).waitFor(WAIT);
    await chart.getByText('<$0.0001 · 2 req').waitFor(WAIT);
    expect(await findClippedText(page)).toEqual([]);
    // Each value reads beside its own name (on the name's line; the bar goes under both).
    const rows = await chart.locator('li').evaluateAll((items) => items.map((li) => {
      const [name, value] = [li.firstElementChild!, li.lastElementChild!].map((el) => el.getBoundingClientRect());
      return { name: li.firstElementChild!.textContent, sameLine: Math.abs(name!.top + name!.height / 2 - (value!.top + value!.height / 2)) < 4 };
    }));
    expect(rows).toEqual([...APPS].sort().map(() => expect.objectContaining({ sameLine: true })));
    expect(rows.map((r) => r.name)).toEqual(expect.arrayContaining([...APPS]));
    expect(browser.browserErrors).toEqual([]);
  });

  it('cuts no text on any page at 420 px', async () => {
    expect(await clippedOnEveryPage()).toEqual(NOTHING_CLIPPED);
  }, 120_000);

  it('cuts no text on any page at 700 px', async () => {
    await page.setViewportSize({ width: 700, height: 800 });
    try {
      expect(await clippedOnEveryPage()).toEqual(NOTHING_CLIPPED);
    } finally {
      await page.setViewportSize({ width: 420, height: 800 });
    }
  }, 120_000);
});
