// Apps' rules without keys (issue 19 items 3 and 4) through the whole gateway, in process and
// listening, on each storage engine. A program is named by its User-Agent product token
// (`sync_notes/1.0` -> app `sync_notes`) and calls with the admin key (no virtual key) or, in open
// mode, with nothing: its app's budget refuses it exactly under 20-way concurrency while another
// app goes on; rpm limits count per app; a key, when presented, wins over the app's rule; the
// app's models are refused in each route's own error shape; the active alias goes to the app's
// default_model; only_allowed_apps refuses an unlisted app in open mode until it is allowed; and
// onNewApp is called once per name, not again after a restart.
import { describe, expect, it } from 'vitest';
import { useGatewaysOnEngines, type CallAnswer, type StorageEngine } from '../support/gateways-on-engines.js';

const MASTER = 'adminpassphrase-0123456789';
/** $0.00001 per output token, input free; every answer reports 100 output tokens: each request costs exactly $0.001, its worst case at max_tokens 100. */
const COST_USD = 0.001;

const gateways = useGatewaysOnEngines({ name: 'app-rules', masterKey: MASTER, usage: { prompt: 10, completion: 100 } });
const config = (mockUrl: string) => `model_list:
  - model_name: m
    litellm_params: { model: openai/up, api_base: "${mockUrl}/v1" }
    model_info: { input_cost_per_token: 0, output_cost_per_token: 0.00001 }
  - model_name: other
    litellm_params: { model: openai/up2, api_base: "${mockUrl}/v1" }
    model_info: { input_cost_per_token: 0, output_cost_per_token: 0.00001 }
`;

/** A request as a program sends it: its own User-Agent, the admin key unless `key` says otherwise (null: none). */
async function call(url: string, path: string, { agent, key = MASTER, body }: { agent?: string; key?: string | null; body?: unknown }): Promise<CallAnswer> {
  const response = await fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
      ...(agent === undefined ? {} : { 'user-agent': agent }),
      'content-type': 'application/json',
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text === '' ? null : JSON.parse(text) };
}

const chatBody = (model = 'm') => ({ model, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
const chat = (url: string, agent: string, options: { key?: string | null; model?: string } = {}) =>
  call(url, '/v1/chat/completions', { agent, ...(options.key !== undefined ? { key: options.key } : {}), body: chatBody(options.model) });
const rule = async (url: string, body: Record<string, unknown>, key: string | null = MASTER) => {
  const answer = await call(url, '/app/update', { key, body });
  expect(answer.status, JSON.stringify(answer.json)).toBe(200);
  return answer.json;
};

describe.each(['sqlite', 'postgresql'] as const)('app rules through the gateway on %s', (engine: StorageEngine) => {
  it('an app budget refuses its program without a key, exactly floor(budget/cost) of 20 concurrent, while another app goes on', async () => {
    const { url } = await gateways.start(engine, config);
    await rule(url, { app: 'sync_notes', max_budget: COST_USD * 5, budget_duration: '30d' });
    const answers = await Promise.all(Array.from({ length: 20 }, () => chat(url, 'sync_notes/1.0')));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(5);
    const refused = answers.filter((a) => a.status !== 200);
    expect(refused.map((a) => a.status)).toEqual(Array(15).fill(429));
    expect(refused[0]!.json.error.code).toBe('budget_exceeded');
    expect(refused[0]!.json.error.message).toMatch(/^Budget exceeded for app 'sync_notes': this request may cost up to \$0\.001/);
    // Another program, no rule: served.
    expect((await chat(url, 'other_tool/2.0')).status).toBe(200);
    const info = await call(url, '/app/info?app=sync_notes', {});
    expect(info.status).toBe(200);
    expect(info.json.spend).toBeCloseTo(COST_USD * 5, 9);
    expect(info.json).toMatchObject({ requests_today: 20, has_rule: true, max_budget: COST_USD * 5 });
    expect(info.json.first_seen).not.toBeNull();
    // The app filter, on this engine: the 20 rows of sync_notes, not other_tool's.
    const summary = await call(url, `/usage/summary?group_by=model&start=${Date.now() - 3_600_000}&end=${Date.now() + 60_000}&app=sync_notes`, {});
    expect(summary.json.totals).toMatchObject({ requests: 20, rejected: 15 });
    expect((await call(url, '/spend/logs?app=sync_notes&cursor=&page_size=100', {})).json.data).toHaveLength(20);
  }, 90_000);

  it('counts rpm per app, and a key presented wins over its app\'s rule', async () => {
    const { url } = await gateways.start(engine, config);
    await rule(url, { app: 'sync_notes', rpm_limit: 2, max_budget: 0 });
    expect((await chat(url, 'sync_notes/1.0', { model: 'm' })).status).toBe(429);
    await rule(url, { app: 'sync_notes', max_budget: null });
    expect((await chat(url, 'sync_notes/1.0')).status).toBe(200);
    expect((await chat(url, 'sync_notes/1.0')).status).toBe(200);
    const limited = await chat(url, 'sync_notes/1.0');
    expect(limited.status).toBe(429);
    expect(limited.json.error).toMatchObject({ code: 'rate_limited' });
    expect(limited.json.error.message).toContain("app 'sync_notes'");
    expect((await chat(url, 'other_tool/1.0')).status).toBe(200);
    // The same program with a virtual key: the key's (absent) limits apply, not the app's.
    const key = (await call(url, '/key/generate', { body: { key_alias: 'notes-key' } })).json.key as string;
    expect((await chat(url, 'sync_notes/1.0', { key })).status).toBe(200);
    expect((await chat(url, 'sync_notes/1.0', { key })).status).toBe(200);
  }, 60_000);

  it('calls onNewApp once per name, and not again after a restart', async () => {
    const seen: string[] = [];
    const database = engine === 'postgresql' ? await gateways.createDatabase() : undefined;
    const first = await gateways.start(engine, config, { onNewApp: (app) => seen.push(app), ...(database ? { database } : {}) });
    await rule(first.url, { app: 'planned', rpm_limit: 100 });
    for (const agent of ['sync_notes/1.0', 'sync_notes/1.1', 'other_tool/1.0']) expect((await chat(first.url, agent)).status).toBe(200);
    await first.close();
    const again = await gateways.start(engine, config, {
      onNewApp: (app) => seen.push(app), ...(database ? { database } : {}), ...(first.dataDir ? { dataDir: first.dataDir } : {}),
    });
    for (const agent of ['sync_notes/1.0', 'other_tool/1.0', 'planned/1.0', 'fresh/1.0']) expect((await chat(again.url, agent)).status).toBe(200);
    // A rule set before its first call does not make an app "seen": its first request announces it.
    await expect.poll(() => seen.length).toBe(4);
    // Once each; in no promised order: on PostgreSQL each announcement follows its own write of
    // first_seen, and two of them may finish in either order (CI saw other_tool before sync_notes).
    expect([...seen].sort()).toEqual(['fresh', 'other_tool', 'planned', 'sync_notes']);
  }, 60_000);
});

describe('app rules across replicas on postgresql', () => {
  it('a rule set on one replica applies on another within about a second (the apps change topic)', async () => {
    const database = await gateways.createDatabase();
    const a = await gateways.start('postgresql', config, { database });
    const b = await gateways.start('postgresql', config, { database });
    expect((await chat(b.url, 'sync_notes/1.0', { model: 'other' })).status).toBe(200);
    await rule(a.url, { app: 'sync_notes', models: ['m'] });
    await expect.poll(async () => (await chat(b.url, 'sync_notes/1.0', { model: 'other' })).status, { timeout: 5_000, interval: 100 }).toBe(403);
    await call(a.url, '/app/delete', { body: { app: 'sync_notes' } });
    await expect.poll(async () => (await chat(b.url, 'sync_notes/1.0', { model: 'other' })).status, { timeout: 5_000, interval: 100 }).toBe(200);
  }, 60_000);
});

describe('app rules through the gateway on sqlite: models, default model, only allowed apps', () => {
  it('refuses a model outside the app\'s rule in each route\'s own error shape', async () => {
    const { url } = await gateways.start('sqlite', config);
    await rule(url, { app: 'sync_notes', models: ['m'] });
    const agent = 'sync_notes/1.0';
    const openai = await call(url, '/v1/chat/completions', { agent, body: chatBody('other') });
    expect(openai.status).toBe(403);
    expect(openai.json).toMatchObject({ error: { code: 'model_not_allowed', type: 'permission_error', param: 'model' } });
    expect(openai.json.error.message).toContain("App 'sync_notes' may not use model \"other\"");
    const anthropic = await call(url, '/v1/messages', { agent, body: { model: 'other', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] } });
    expect(anthropic.status).toBe(403);
    expect(anthropic.json).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
    expect(anthropic.json.error.message).toContain("App 'sync_notes'");
    const responses = await call(url, '/v1/responses', { agent, body: { model: 'other', input: 'hi' } });
    expect(responses.status).toBe(403);
    expect(responses.json).toMatchObject({ error: { code: 'model_not_allowed' } });
    const ollama = await call(url, '/api/chat', { agent, body: { model: 'other', stream: false, messages: [{ role: 'user', content: 'hi' }] } });
    expect(ollama.status).toBe(403);
    expect(typeof ollama.json.error).toBe('string');
    expect(ollama.json.error).toContain("App 'sync_notes'");
    // Allowed model, and another app, still served.
    expect((await chat(url, agent, { model: 'm' })).status).toBe(200);
    expect((await chat(url, 'other_tool/1.0', { model: 'other' })).status).toBe(200);
  }, 60_000);

  it('counts tokens per app against tpm_limit', async () => {
    const { url } = await gateways.start('sqlite', config);
    // Each answer reports 110 tokens: two fit in 200 a minute, the third does not.
    await rule(url, { app: 'sync_notes', tpm_limit: 200 });
    expect((await chat(url, 'sync_notes/1.0')).status).toBe(200);
    expect((await chat(url, 'sync_notes/1.0')).status).toBe(200);
    const limited = await chat(url, 'sync_notes/1.0');
    expect(limited.status).toBe(429);
    expect(limited.json.error.message).toContain("app 'sync_notes'");
    expect((await chat(url, 'other_tool/1.0')).status).toBe(200);
  }, 60_000);

  it('sends the active alias to the app\'s default_model, and only that app', async () => {
    const { url } = await gateways.start('sqlite', config);
    await rule(url, { app: 'sync_notes', default_model: 'other' });
    const mine = await chat(url, 'sync_notes/1.0', { model: 'switchboard/active' });
    expect(mine.status).toBe(200);
    expect(mine.headers.get('x-litellm-model-group')).toBe('other');
    const theirs = await chat(url, 'other_tool/1.0', { model: 'switchboard/active' });
    expect(theirs.headers.get('x-litellm-model-group')).toBe('m');
    // A model named outright is not redirected.
    expect((await chat(url, 'sync_notes/1.0', { model: 'm' })).headers.get('x-litellm-model-group')).toBe('m');
  }, 60_000);

  it('with only_allowed_apps in open mode, refuses an unlisted app with a 403 saying how to allow it, then serves it once allowed', async () => {
    const { url } = await gateways.start('sqlite', config, { masterKey: null });
    expect((await chat(url, 'sync_notes/1.0', { key: null })).status).toBe(200);
    const toggled = await call(url, '/settings', { key: null, body: { only_allowed_apps: true } });
    expect(toggled.status).toBe(200);
    expect(toggled.json.only_allowed_apps).toBe(true);
    const refused = await chat(url, 'sync_notes/1.0', { key: null });
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe('app_not_allowed');
    expect(refused.json.error.message).toContain("App 'sync_notes' is not allowed");
    expect(refused.json.error.message).toContain('POST /app/update {"app": "sync_notes", "allowed": true}');
    const anthropic = await call(url, '/v1/messages', { agent: 'sync_notes/1.0', key: null, body: { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] } });
    expect(anthropic.json).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
    await rule(url, { app: 'sync_notes', allowed: true }, null);
    expect((await chat(url, 'sync_notes/1.0', { key: null })).status).toBe(200);
    expect((await chat(url, 'other_tool/1.0', { key: null })).status).toBe(403);
    // The refusal is a row of its own, under the app's name.
    const logs = await call(url, '/spend/logs?page_size=50', { key: null });
    expect(logs.json.data.filter((row: { app: string; status: string }) => row.app === 'other_tool' && row.status === 'rejected')).toHaveLength(1);
  }, 60_000);
});

// The backup (SQLite only: team mode backs up with pg_dump) carries the apps' rules: a budget spent
// on one gateway, restored into another running one, refuses the app's very next request there,
// with no restart (the rules cache heard the restore), while the app's models rule came along too.
describe('app rules in a backup, through the gateway on sqlite', () => {
  it('a restored app budget, spent already, refuses the next request without a restart; a version-2 backup restored over it lifts it', async () => {
    const source = await gateways.start('sqlite', config);
    await rule(source.url, { app: 'sync_notes', max_budget: COST_USD * 2, budget_duration: '30d', models: ['m'] });
    expect((await chat(source.url, 'sync_notes/1.0')).status).toBe(200);
    expect((await chat(source.url, 'sync_notes/1.0')).status).toBe(200);
    const backup = (await call(source.url, '/backup', {})).json;
    expect(backup.version).toBe(3);
    expect(backup.apps).toHaveLength(1);
    // The spend of requests already answered is in it (the backup writes queued usage first).
    expect(backup.apps[0].spend_micros).toBe(2 * COST_USD * 1_000_000);

    expect((await chat(source.url, 'sync_notes/1.0')).status).toBe(429);
    const target = await gateways.start('sqlite', config);
    expect((await chat(target.url, 'sync_notes/1.0')).status).toBe(200);
    const restored = await call(target.url, '/backup/restore', { body: { backup, confirm: true } });
    expect(restored.status, JSON.stringify(restored.json)).toBe(200);
    expect(restored.json).toMatchObject({ apps: 1, replaced: { apps: 0 } });
    const refused = await chat(target.url, 'sync_notes/1.0');
    expect(refused.status).toBe(429);
    expect(refused.json.error.code).toBe('budget_exceeded');
    // The models rule came with it: another model is refused for this app, not for another app.
    expect((await chat(target.url, 'sync_notes/1.0', { model: 'other' })).status).not.toBe(200);
    expect((await chat(target.url, 'other_tool/1.0', { model: 'other' })).status).toBe(200);

    // A version-2 file (before app rules) leaves none: the app is served again at once.
    const { apps: _apps, ...versionTwo } = backup;
    const lifted = await call(target.url, '/backup/restore', { body: { backup: { ...versionTwo, version: 2 }, confirm: true } });
    expect(lifted.status, JSON.stringify(lifted.json)).toBe(200);
    expect(lifted.json).toMatchObject({ apps: 0, replaced: { apps: 1 } });
    expect((await chat(target.url, 'sync_notes/1.0')).status).toBe(200);
    expect((await chat(target.url, 'sync_notes/1.0', { model: 'other' })).status).toBe(200);
  }, 60_000);
});
