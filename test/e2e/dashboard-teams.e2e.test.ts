// The Teams page and the team views of the dashboard (issue 17 item 5), in a real headless
// Chromium against a real gateway (startGateway: SQLite in a temp dir, admin key, the freshly
// built bundle) and the loopback mock upstream: the admin creates a team and adds a member through
// the UI (the user is created by member_add), makes a key for that member in that team on the Keys
// page, and the key's traffic (sent with the official openai SDK) moves the team's spend bar and
// the member's spend in the team; the Usage and Logs team filters show that team's requests only,
// and the Overview shows each team's spend. A second team and an ownerless key send traffic too,
// so a filter that let them through would be seen.
import { join, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import OpenAI from 'openai';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDashboardPage, signIn, startDashboardSession, WAIT, type DashboardSession } from '../support/dashboard-browser.js';

const SCREENSHOTS = resolve('docs/screenshots');

let session: DashboardSession;
let page: Page;

beforeAll(async () => {
  session = await startDashboardSession({
    name: 'dashboard-teams-e2e',
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

async function ask(key: string, times: number): Promise<void> {
  const client = new OpenAI({ apiKey: key, baseURL: `${session.gateway.url}/v1`, maxRetries: 0 });
  for (let i = 0; i < times; i++) {
    // max_tokens keeps the worst case held against the budgets small.
    const reply = await client.chat.completions.create({ model: 'priced-model', max_tokens: 5, messages: [{ role: 'user', content: 'Say hello' }] });
    expect(reply.choices[0]?.message.content).toBe('Hello, world!');
  }
}

async function statValue(scope: Locator, label: string): Promise<string> {
  const tile = scope.locator('.stat').filter({ has: page.locator('.stat-label', { hasText: new RegExp(`^${label}$`) }) });
  return ((await tile.locator('.stat-value').textContent()) ?? '').trim();
}

const teamRow = (name: string) => page.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
const fillWidth = async (scope: Locator) => Number(await scope.locator('.spend-bar-fill').first().getAttribute('width'));

describe('teams in the dashboard (Chromium, real gateway)', () => {
  it('creates a team with a member, keys it, and shows its spend, its requests only under the team filters, and its spend on the Overview', async () => {
    // A gateway without teams: no Team filter, no team card.
    await page.getByRole('heading', { name: 'Today' }).waitFor(WAIT);
    expect(await page.getByRole('heading', { name: 'Spend per team, this budget period' }).count()).toBe(0);
    await openDashboardPage(page, 'Logs');
    await page.getByLabel('Model').waitFor(WAIT);
    expect(await page.getByLabel('Team', { exact: true }).count()).toBe(0);

    // Teams: create one through the form, allowed one of the gateway's models.
    await openDashboardPage(page, 'Teams');
    await page.getByText('No teams yet.').waitFor(WAIT);
    await page.getByRole('button', { name: 'Create a team' }).click();
    await page.getByLabel('Team name').fill('research');
    await page.getByLabel('Team budget (USD)').fill('0.05');
    await page.getByLabel('Soft budget (USD)').fill('0.04');
    await page.getByLabel('Budget period').selectOption({ label: 'Resets monthly' });
    await page.getByRole('checkbox', { name: 'priced-model' }).check();
    // A soft budget above the budget is refused at the field, before anything is sent.
    await page.getByLabel('Soft budget (USD)').fill('0.06');
    await page.getByRole('button', { name: 'Create team', exact: true }).click();
    await page.getByText('The soft budget warns before the budget is reached: make it at most the budget.').waitFor(WAIT);
    await page.getByLabel('Soft budget (USD)').fill('0.04');
    await page.getByRole('button', { name: 'Create team', exact: true }).click();
    await page.getByText('Created team research.', { exact: false }).waitFor(WAIT);
    const research = teamRow('research');
    await research.getByText('$0.00 / $0.05').waitFor(WAIT);
    expect(await research.textContent()).toContain('Resets monthly');
    expect(await research.textContent()).toContain('priced-model');
    expect(await fillWidth(research)).toBe(0);

    // Its members (opened for the team just created): add one by email; the user is created.
    const members = page.getByRole('region', { name: 'Members of research' });
    await members.getByText('No members yet.', { exact: false }).waitFor(WAIT);
    await members.getByLabel('Find the user by').selectOption({ label: 'Email' });
    await members.getByLabel('Email', { exact: true }).fill('ann@example.com');
    await members.getByLabel('Budget in team (USD)').fill('0.03');
    await members.getByRole('button', { name: 'Add member' }).click();
    await members.getByText('Added ann@example.com to research.').waitFor(WAIT);
    const ann = members.getByRole('row').filter({ hasText: 'ann@example.com' });
    await ann.getByText('$0.00 / $0.03').waitFor(WAIT);
    // The same member twice: the gateway's refusal, in its words.
    await members.getByLabel('Email', { exact: true }).fill('ann@example.com');
    await members.getByRole('button', { name: 'Add member' }).click();
    await members.getByRole('alert').getByText(/is already a member of team/).waitFor(WAIT);
    await research.getByText('1: ann@example.com').waitFor(WAIT);

    const users = await session.admin('/user/list');
    const annId = (users.json.users as { user_id: string; user_email: string | null }[]).find((u) => u.user_email === 'ann@example.com')!.user_id;

    // Keys: a key for that member in that team.
    await openDashboardPage(page, 'Keys');
    await page.getByRole('button', { name: 'Create a key', exact: true }).click();
    await page.getByLabel('App name').fill('ann-laptop');
    await page.getByLabel('Team', { exact: true }).selectOption({ label: 'research' });
    await page.getByLabel('User', { exact: true }).selectOption(annId);
    await page.getByRole('button', { name: 'Create key', exact: true }).click();
    const annKey = ((await page.getByTestId('new-key').textContent()) ?? '').trim();
    expect(annKey).toMatch(/^sk-/);
    await page.getByRole('button', { name: 'I have copied it' }).click();
    const keyRow = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'ann-laptop', exact: true }) });
    expect(await keyRow.locator('[data-label="Team"]').textContent()).toBe(`researchuser ${annId}`);

    // Another team with a service-account key, and a key of nobody's: their requests must stay out of research's views.
    const ops = await session.admin('/team/new', { team_alias: 'ops' });
    expect(ops.status).toBe(200);
    const opsKey = await session.admin('/key/generate', { key_alias: 'ops-bot', team_id: ops.json.team_id });
    const looseKey = await session.admin('/key/generate', { key_alias: 'loose-app' });
    await ask(annKey, 2);
    await ask(opsKey.json.key as string, 1);
    await ask(looseKey.json.key as string, 1);

    // Teams: the spend bar moved by 2 x $0.0042 of $0.05, and so did the member's spend in the team.
    await openDashboardPage(page, 'Teams');
    await research.getByText('$0.0084 / $0.05').waitFor(WAIT);
    expect(await fillWidth(research)).toBeCloseTo(16.8, 5);
    await research.getByRole('button', { name: 'Members of research' }).click();
    await ann.getByText('$0.0084 / $0.03').waitFor(WAIT);
    // A member's role and budget in the team change in place.
    await ann.getByLabel('Role of ann@example.com').selectOption({ label: 'Team admin' });
    await members.getByText('ann@example.com is now a team admin of research.').waitFor(WAIT);
    await ann.getByLabel('Budget in team for ann@example.com (USD)').fill('0.04');
    await ann.getByRole('button', { name: 'Save budget for ann@example.com' }).click();
    await members.getByText("Saved ann@example.com's budget in research.").waitFor(WAIT);
    await ann.getByText('$0.0084 / $0.04').waitFor(WAIT);
    await research.getByText('1: ann@example.com (admin)').waitFor(WAIT);
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(SCREENSHOTS, 'teams.png'), fullPage: true });

    // Logs: all four requests, then research's two only.
    await openDashboardPage(page, 'Logs');
    const rowsOf = (app: string) => page.getByRole('row').filter({ hasText: app }).count();
    await expect.poll(() => rowsOf('loose-app'), WAIT).toBe(1);
    expect(await rowsOf('ops-bot')).toBe(1);
    await page.getByLabel('Team', { exact: true }).selectOption({ label: 'research' });
    await expect.poll(() => rowsOf('loose-app'), WAIT).toBe(0);
    expect(await rowsOf('ops-bot')).toBe(0);
    expect(await rowsOf('ann-laptop')).toBe(2);

    // Usage: the totals of every request, then of research's.
    await openDashboardPage(page, 'Usage');
    const totals = page.getByRole('region', { name: 'Totals for the range' });
    await expect.poll(() => statValue(totals, 'Requests'), WAIT).toBe('4');
    await page.getByLabel('Team', { exact: true }).selectOption({ label: 'research' });
    await expect.poll(() => statValue(totals, 'Requests'), WAIT).toBe('2');
    expect(await statValue(totals, 'Spend')).toBe('$0.0084');
    const perApp = await page.getByRole('table', { name: /Per app/ }).textContent();
    expect(perApp).toContain('ann-laptop');
    expect(perApp).not.toContain('ops-bot');

    // Overview: each team's spend this period.
    await openDashboardPage(page, 'Overview');
    const card = page.getByRole('region', { name: 'Spend per team, this budget period' });
    await card.getByText('$0.0084 / $0.05').waitFor(WAIT);
    expect(await card.getByRole('listitem').filter({ hasText: 'ops' }).textContent()).toContain('$0.0042 / no limit');

    // Block, then delete a team (confirmed): its key goes with it.
    await openDashboardPage(page, 'Teams');
    await page.getByRole('button', { name: 'Block ops' }).click();
    await teamRow('ops').getByText('Blocked').waitFor(WAIT);
    await page.getByRole('button', { name: 'Delete ops' }).click();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByText('Deleted team ops and its key.').waitFor(WAIT);
    // The notice comes with the answer; the table loses the row when its refetch lands (CI once
    // counted the row between the two).
    await teamRow('ops').waitFor({ ...WAIT, state: 'detached' });
    expect(await teamRow('ops').count()).toBe(0);
    expect((await session.admin('/key/list')).json.keys.map((k: { key_alias: string }) => k.key_alias).sort()).toEqual(['ann-laptop', 'loose-app']);

    // The sign-in probe before the key is given, and the member added twice: no other call failed.
    expect(new Set(session.failedCalls)).toEqual(new Set(['401 /settings', '400 /team/member_add']));

    // The member signs in with the key made for her: only her own keys and usage.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, session.gateway.url, annKey);
    await page.getByText('Signed in as ann@example.com').waitFor(WAIT);
    expect(await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Settings' }).count()).toBe(0);
    await openDashboardPage(page, 'Keys');
    await page.getByRole('rowheader', { name: 'ann-laptop', exact: true }).waitFor(WAIT);
    expect(await page.getByRole('rowheader', { name: 'loose-app', exact: true }).count()).toBe(0);
    await openDashboardPage(page, 'Usage');
    await expect.poll(() => statValue(totals, 'Requests'), WAIT).toBe('2');
    const ownApps = await page.getByRole('table', { name: /Per app/ }).textContent();
    expect(ownApps).toContain('ann-laptop');
    expect(ownApps).not.toContain('loose-app');
    expect(session.browserErrors).toEqual([]);
  }, 180_000);
});
