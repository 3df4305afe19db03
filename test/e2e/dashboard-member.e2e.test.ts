// A team member signs in to the dashboard with its own key, in a real headless Chromium against a
// real gateway (SQLite) and the loopback mock upstream (issue 17 item 5). The admin set up a team
// with two members, each with a key, and both keys sent traffic (the official openai SDK). Signed
// in with Ana's key, the dashboard shows Ana's Overview (her budget, her team and her role in it),
// her keys and not Bo's, her requests and not Bo's in Logs and Usage, the models her key may call
// read-only, and no Settings; a bookmarked Settings URL shows her Overview. Cy, the team's admin,
// signs in next: Teams shows the team with its members (which he may change, and nothing else), and
// the Team filter on Logs and Usage shows the whole team's requests. An app key (no user) is told
// why it cannot sign in.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDashboardPage, signIn, startDashboardSession, WAIT, type DashboardSession } from '../support/dashboard-browser.js';

let session: DashboardSession;
let anaKey: string;
let boKey: string;
let appKey: string;
let cyKey: string;

const ok = async (call: Promise<{ status: number; json: any }>) => {
  const { status, json } = await call;
  expect(status, JSON.stringify(json)).toBe(200);
  return json;
};

beforeAll(async () => {
  session = await startDashboardSession({
    name: 'dashboard-member-e2e',
    signIn: false,
    config: (mockUrl) => `model_list:
  - model_name: gpt-mock
    litellm_params: { model: openai/up-model, api_base: "${mockUrl}/v1", api_key: sk-upstream-test, input_cost_per_token: 0.0000025, output_cost_per_token: 0.00001 }
  - model_name: secret-model
    litellm_params: { model: openai/other, api_base: "${mockUrl}/v1", api_key: sk-upstream-test }
`,
  });
  const { admin } = session;
  await ok(admin('/user/new', { user_id: 'ana', user_email: 'ana@example.com', auto_create_key: false, max_budget: 10 }));
  await ok(admin('/user/new', { user_id: 'bo', user_email: 'bo@example.com', auto_create_key: false }));
  await ok(admin('/team/new', { team_id: 'platform', team_alias: 'Platform', max_budget: 50, models: ['gpt-mock'] }));
  await ok(admin('/user/new', { user_id: 'cy', user_email: 'cy@example.com', auto_create_key: false }));
  await ok(admin('/team/member_add', { team_id: 'platform', member: [{ user_id: 'ana', role: 'user' }, { user_id: 'bo', role: 'user' }, { user_id: 'cy', role: 'admin' }] }));
  await ok(admin('/team/new', { team_id: 'other', team_alias: 'Other team' }));
  anaKey = (await ok(admin('/key/generate', { key_alias: 'ana-laptop', team_id: 'platform', user_id: 'ana' }))).key;
  boKey = (await ok(admin('/key/generate', { key_alias: 'bo-script', team_id: 'platform', user_id: 'bo' }))).key;
  appKey = (await ok(admin('/key/generate', { key_alias: 'ownerless-app' }))).key;
  cyKey = (await ok(admin('/key/generate', { key_alias: 'cy-laptop', user_id: 'cy' }))).key;
  const chat = (key: string) => new OpenAI({ apiKey: key, baseURL: `${session.gateway.url}/v1`, maxRetries: 0 }).chat.completions.create({ model: 'gpt-mock', messages: [{ role: 'user', content: 'hi' }] });
  for (const key of [anaKey, anaKey, boKey, boKey, boKey, appKey]) await chat(key);
}, 120_000);

afterAll(async () => {
  await session?.close();
});

describe("a member's dashboard (Chromium, real gateway)", () => {
  it('refuses an app key (no user) with a message saying why', async () => {
    const { page } = session;
    await page.goto(session.gateway.url);
    await page.getByLabel('Key', { exact: true }).fill(appKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor(WAIT);
    expect(await alert.textContent()).toContain('That is an app key: it belongs to no user.');
  });

  it("shows Ana only her own account, keys, requests and usage, and the models she may call, read-only", async () => {
    const { page } = session;
    await signIn(page, session.gateway.url, anaKey);
    await page.getByText('Signed in as ana@example.com').waitFor(WAIT);
    const nav = page.getByRole('navigation', { name: 'Pages' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['Overview', 'Models', 'Keys', 'Usage', 'Logs', 'Playground']);

    // Overview: her budget and her team, her role in it.
    const teams = page.getByRole('table', { name: 'The teams you belong to' });
    await teams.getByRole('rowheader', { name: 'Platform' }).waitFor(WAIT);
    expect(await teams.textContent()).toContain('Member');
    await page.getByText(/of \$10\.00/).waitFor(WAIT);

    // Keys: hers, not Bo's.
    await openDashboardPage(page, 'Keys');
    await page.getByRole('rowheader', { name: 'ana-laptop' }).waitFor(WAIT);
    expect(await page.getByRole('rowheader', { name: 'bo-script' }).count()).toBe(0);
    expect(await page.getByRole('rowheader', { name: 'ownerless-app' }).count()).toBe(0);

    // Logs: her two requests, none of Bo's three.
    await openDashboardPage(page, 'Logs');
    await page.getByRole('row').filter({ hasText: 'ana-laptop' }).first().waitFor(WAIT);
    expect(await page.getByRole('row').filter({ hasText: 'ana-laptop' }).count()).toBe(2);
    expect(await page.getByRole('row').filter({ hasText: 'bo-script' }).count()).toBe(0);

    // Usage: her app only.
    await openDashboardPage(page, 'Usage');
    const perApp = page.getByRole('region', { name: 'Per app' });
    await perApp.getByRole('row', { name: /ana-laptop/ }).waitFor(WAIT);
    expect(await perApp.getByRole('row', { name: /bo-script/ }).count()).toBe(0);

    // Models: the ones her key may call, nothing to change.
    await openDashboardPage(page, 'Models');
    const models = page.getByRole('table', { name: 'Model groups your keys may call' });
    await models.getByRole('rowheader', { name: 'gpt-mock' }).waitFor(WAIT);
    expect(await models.getByRole('rowheader', { name: 'secret-model' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Add a model' }).count()).toBe(0);

    // A bookmarked admin page shows her Overview.
    await page.goto(`${session.gateway.url}/#/settings`);
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor(WAIT);
    expect(await page.content()).not.toContain(boKey);
    expect(session.browserErrors).toEqual([]);
  });

  it("shows Cy, the team's admin, his team's members and the whole team's requests, and nothing of other teams", async () => {
    const { page } = session;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, session.gateway.url, cyKey);
    await page.getByText('Signed in as cy@example.com').waitFor(WAIT);
    const nav = page.getByRole('navigation', { name: 'Pages' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['Overview', 'Models', 'Keys', 'Teams', 'Usage', 'Logs', 'Playground']);

    // Teams: his team, its members, and no way to change the team itself.
    await openDashboardPage(page, 'Teams');
    await page.getByRole('rowheader', { name: 'Platform' }).waitFor(WAIT);
    expect(await page.getByRole('rowheader', { name: 'Other team' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Create a team' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Edit Platform' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Members of Platform' }).click();
    await page.getByText('bo@example.com').first().waitFor(WAIT);

    // Logs: only his own (none) until he picks his team; then Ana's and Bo's, never the ownerless app's.
    await openDashboardPage(page, 'Logs');
    const team = page.getByLabel('Team', { exact: true });
    expect(await team.locator('option').allTextContents()).toEqual(['Only yours', 'Platform']);
    await team.selectOption('platform');
    await page.getByRole('row').filter({ hasText: 'bo-script' }).first().waitFor(WAIT);
    expect(await page.getByRole('row').filter({ hasText: 'bo-script' }).count()).toBe(3);
    expect(await page.getByRole('row').filter({ hasText: 'ana-laptop' }).count()).toBe(2);
    expect(await page.getByRole('row').filter({ hasText: 'ownerless-app' }).count()).toBe(0);

    // Usage: the team's apps.
    await openDashboardPage(page, 'Usage');
    await page.getByLabel('Team', { exact: true }).selectOption('platform');
    const perApp = page.getByRole('region', { name: 'Per app' });
    await perApp.getByRole('row', { name: /bo-script/ }).waitFor(WAIT);
    await perApp.getByRole('row', { name: /ana-laptop/ }).waitFor(WAIT);
    expect(await perApp.getByRole('row', { name: /ownerless-app/ }).count()).toBe(0);
    expect(session.browserErrors).toEqual([]);
  });
});
