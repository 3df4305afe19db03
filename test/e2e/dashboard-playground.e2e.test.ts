// The dashboard's playground (issue 14 item 8) in a real headless Chromium against a real gateway
// and the loopback mock upstream: a chat as the admin session streams its answer and shows tokens,
// latency and the gateway's cost; Stop ends a stalled stream at the upstream; an app key limited
// to one model shows the gateway's refusal for another; "Copy as curl" copies a command that works
// when run; a Logs row opens in the playground with its model (and messages when body logging kept
// them); and in open mode (no admin key) the playground works without any key.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '../../main/start-gateway.js';
import { formatUsd } from '../../shared/format-usd.js';
import type { MockUpstream } from '../support/mock-upstream.js';
import { openDashboardPage, startDashboardSession, WAIT, type DashboardSession } from '../support/dashboard-browser.js';

const MASTER_KEY = 'sk-playground-e2e-master-0123456789';
const run = promisify(execFile);

let session: DashboardSession;
let mock: MockUpstream;
let page: Page;

function config(mockUrl: string): string {
  // gpt-mock is priced ($2.50 in, $10 out per 1M tokens): 10 in + 4 out = 65 micro-dollars.
  return `model_list:
  - model_name: gpt-mock
    litellm_params: { model: openai/up-model, api_base: "${mockUrl}/v1" }
    model_info: { input_cost_per_token: 0.0000025, output_cost_per_token: 0.00001 }
  - model_name: other-mock
    litellm_params: { model: openai/other-model, api_base: "${mockUrl}/v1" }
router_settings: { num_retries: 0, cooldown_time: 0 }
`;
}

async function adminApi(path: string, body?: unknown): Promise<any> {
  const response = await session.admin(path, body);
  expect(response.status, path).toBe(200);
  return response.json;
}

beforeAll(async () => {
  session = await startDashboardSession({ name: 'playground-e2e', adminKey: MASTER_KEY, config });
  ({ page, mock } = session);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: session.gateway.url });
}, 120_000);

afterAll(async () => {
  await session?.close();
});

/** The page's controls, by their labels. */
function controls(p: Page) {
  return {
    model: p.getByLabel('Model', { exact: true }),
    sendAs: p.getByLabel('Send as'),
    appKey: p.getByLabel('App key'),
    system: p.getByLabel('System prompt (optional)'),
    message: p.getByLabel('Message', { exact: true }),
    conversation: p.getByRole('log', { name: 'Conversation' }),
  };
}

/** The value shown for a fact (Tokens, First token, Total time, Cost) of the last answer. */
async function fact(p: Page, name: string): Promise<string> {
  const list = p.getByLabel('Last answer');
  const dt = list.locator('dt', { hasText: new RegExp(`^${name}$`) });
  return (await dt.locator('xpath=following-sibling::dd[1]').textContent()) ?? '';
}

describe('dashboard playground (Chromium, real gateway)', () => {
  it('streams an answer as the admin session and shows tokens, latency and the gateway\'s cost', async () => {
    await openDashboardPage(page, 'Playground');
    const c = controls(page);
    await c.model.locator('option[value="gpt-mock"]').waitFor({ state: 'attached', ...WAIT });
    expect(await c.model.inputValue()).toBe('switchboard/active');
    await c.model.selectOption('gpt-mock');
    await c.system.fill('Answer briefly.');
    await c.message.fill('Say hello');
    // Ctrl+Enter sends from the message box.
    await c.message.press('Control+Enter');
    await c.conversation.getByText('Hello, world!').waitFor(WAIT);
    await page.getByLabel('Last answer').waitFor(WAIT);
    await expect.poll(() => fact(page, 'Cost'), WAIT).toBe(formatUsd(65));
    expect(await fact(page, 'Tokens')).toBe('10 in · 4 out');
    expect(await fact(page, 'First token')).toMatch(/\d/);
    expect(await fact(page, 'Total time')).toMatch(/\d/);

    const sent = mock.requests.at(-1)!.json as { model: string; messages: unknown[]; stream: boolean };
    expect(sent.model).toBe('up-model');
    expect(sent.stream).toBe(true);
    expect(sent.messages).toEqual([{ role: 'system', content: 'Answer briefly.' }, { role: 'user', content: 'Say hello' }]);

    // The conversation continues: the second request carries the first answer.
    await c.message.fill('And again');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect.poll(() => c.conversation.getByText('Hello, world!').count(), WAIT).toBe(2);
    const second = mock.requests.at(-1)!.json as { messages: { role: string; content: string }[] };
    expect(second.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(second.messages[2]!.content).toBe('Hello, world!');
    expect(session.browserErrors).toEqual([]);
  });

  it('copies the request as a curl command without the key, and the command works when run', async () => {
    await page.getByText('Show the curl command').click();
    const command = await page.getByLabel('curl command').inputValue();
    expect(command).toContain('$SWITCHBOARD_KEY');
    expect(command).not.toContain(MASTER_KEY);
    await page.getByRole('button', { name: 'Copy as curl' }).click();
    await page.getByRole('button', { name: 'Copy as curl' }).getByText('Copied').waitFor(WAIT);
    const clipboard = await page.evaluate(() => navigator.clipboard.readText());
    expect(clipboard).toBe(command);

    const before = mock.requests.length;
    const { stdout } = await run('bash', ['-c', clipboard], { env: { ...process.env, SWITCHBOARD_KEY: MASTER_KEY }, timeout: 20_000 });
    expect(stdout).toContain('"Hello"');
    expect(stdout).toContain('data: [DONE]');
    expect(mock.requests.length).toBe(before + 1);
    expect(mock.requests.at(-1)!.json).toMatchObject({ model: 'up-model', stream: true, messages: [{ role: 'system' }, { role: 'user' }, { role: 'assistant' }, { role: 'user', content: 'And again' }] });
  });

  it('Stop ends a stalled stream: the text so far stays, the upstream request is closed', async () => {
    const c = controls(page);
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByText('No messages yet.').waitFor(WAIT);
    mock.script({ kind: 'stall-after-n-chunks', n: 2, answer: { chunks: ['Partial', ' answer', ' that never ends'] } });
    await c.message.fill('Tell me a long story');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    // Token by token: the first piece is on screen while the stream is still open.
    await page.getByTestId('streaming-answer').getByText('Partial').waitFor(WAIT);
    const index = mock.requests.length - 1;
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.getByText('Stopped.').waitFor(WAIT);
    await mock.waitForClientClose(index);
    expect(mock.requests[index]!.aborted).toBe(true);
    expect(await c.conversation.textContent()).toContain('Partial');
    expect(await page.getByRole('button', { name: 'Stop' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Send', exact: true }).isDisabled()).toBe(true);
  });

  it('shows the gateway\'s refusal for a model an app key may not use, and answers for one it may', async () => {
    const created = await adminApi('/key/generate', { key_alias: 'limited-app', models: ['other-mock'] });
    const key = created.key as string;
    const c = controls(page);
    await page.getByRole('button', { name: 'Clear' }).click();
    await c.sendAs.selectOption('pasted');
    await c.appKey.fill(key);
    await c.model.selectOption('gpt-mock');
    await c.message.fill('Am I allowed?');
    await c.message.press('Control+Enter');
    const refusal = page.getByRole('alert').filter({ hasText: 'The gateway refused this request' });
    await refusal.waitFor(WAIT);
    expect(await refusal.textContent()).toContain('HTTP 403, model_not_allowed');
    expect(await refusal.textContent()).toContain('gpt-mock');
    // The message goes back to the box, to try again.
    expect(await c.message.inputValue()).toBe('Am I allowed?');
    await c.model.selectOption('other-mock');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await c.conversation.getByText('Hello, world!').waitFor(WAIT);
    expect(await refusal.count()).toBe(0);
    // The key went to the gateway as the bearer; the curl text still holds only the variable.
    await page.getByText('Show the curl command').click();
    expect(await page.getByLabel('curl command').inputValue()).not.toContain(key);
    expect(await page.locator('body').textContent()).not.toContain(key);
  });

  it('opens a logged request in the playground: the model, and the messages when body logging kept them', async () => {
    await adminApi('/settings', { body_logging: true });
    const created = await adminApi('/key/generate', { key_alias: 'notes-app' });
    const answer = await fetch(`${session.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${created.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'other-mock', max_tokens: 50, messages: [{ role: 'system', content: 'You take notes.' }, { role: 'user', content: 'Note this down' }] }),
    });
    expect(answer.status).toBe(200);
    await adminApi('/settings', { body_logging: false });

    await openDashboardPage(page, 'Logs');
    // The playground's own requests (admin key) are filed under the app "playground".
    await page.getByRole('button', { name: /^Details of the playground request/ }).first().waitFor(WAIT);
    await page.getByRole('button', { name: /^Details of the notes-app request/ }).click();
    const detail = page.getByRole('region', { name: /^Request / });
    await detail.getByRole('button', { name: 'Open in playground' }).click();
    await page.getByRole('heading', { level: 1, name: 'Playground' }).waitFor(WAIT);
    const c = controls(page);
    expect(await c.model.inputValue()).toBe('other-mock');
    expect(await c.system.inputValue()).toBe('You take notes.');
    await c.conversation.getByText('Note this down').waitFor(WAIT);
    expect(await page.getByLabel('Max tokens').inputValue()).toBe('50');
    // The logged conversation ends with the user's message: Send sends it again as it is.
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await c.conversation.getByText('Hello, world!').waitFor(WAIT);
    expect(mock.requests.at(-1)!.json).toMatchObject({ model: 'other-model', max_tokens: 50, messages: [{ role: 'system', content: 'You take notes.' }, { role: 'user', content: 'Note this down' }] });

    // A row without stored bodies (the limited app's, body logging off) gives the model alone.
    await openDashboardPage(page, 'Logs');
    await page.getByRole('button', { name: /^Details of the limited-app request/ }).first().click();
    await page.getByRole('region', { name: /^Request / }).getByRole('button', { name: 'Open in playground' }).click();
    await page.getByRole('heading', { level: 1, name: 'Playground' }).waitFor(WAIT);
    expect(await c.model.inputValue()).toBe('other-mock');
    await page.getByText('No messages yet.').waitFor(WAIT);
    expect(await c.system.inputValue()).toBe('');
  });

  it('fits a 420 px wide window without sideways scrolling', async () => {
    await page.setViewportSize({ width: 420, height: 800 });
    await openDashboardPage(page, 'Playground');
    const overflow = await page.locator('.playground .card').evaluateAll((cards) => cards.map((card) => Math.round(card.getBoundingClientRect().right)));
    expect(overflow.length).toBe(2);
    for (const right of overflow) expect(right).toBeLessThanOrEqual(420);
    await page.setViewportSize({ width: 1280, height: 860 });
  });
});

describe('dashboard playground in open mode (no admin key)', () => {
  let open: RunningGateway;
  let context: BrowserContext;

  beforeAll(async () => {
    open = await session.startGateway('open', { config, adminKey: null });
    context = await session.browser.newContext({ viewport: { width: 1280, height: 860 } });
  });

  afterAll(async () => {
    await context?.close();
    await open?.close();
  });

  it('chats without any key, out of the box', async () => {
    const p = await context.newPage();
    await p.goto(open.url);
    await openDashboardPage(p, 'Playground');
    const c = controls(p);
    await c.sendAs.locator('option', { hasText: 'No key (the gateway is open)' }).waitFor({ state: 'attached', ...WAIT });
    await c.model.locator('option[value="other-mock"]').waitFor({ state: 'attached', ...WAIT });
    await c.message.fill('Hi');
    await c.message.press('Control+Enter');
    await c.conversation.getByText('Hello, world!').waitFor(WAIT);
    await expect.poll(() => fact(p, 'Tokens'), WAIT).toBe('10 in · 4 out');
  });
});
