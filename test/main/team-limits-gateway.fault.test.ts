// Team and user limits through the whole gateway, listening, on each storage engine (issue 17
// items 1 and 3): a blocked team's key is refused with LiteLLM's 401 in each route's shape and
// served again once unblocked; a team's rpm_limit is shared by its keys, exactly under concurrency
// (429 naming the team, with Retry-After); a team key and a user's key are held to their owner's models. In team mode a block
// made on one replica reaches another within about a second (the change feed).
import { describe, expect, it } from 'vitest';
import { callWithKey, useGatewaysOnEngines, type CallAnswer, type StorageEngine } from '../support/gateways-on-engines.js';

const MASTER = 'adminpassphrase-0123456789';

const gateways = useGatewaysOnEngines({ name: 'team-limits', masterKey: MASTER, usage: { prompt: 10, completion: 10 } });
const config = (mockUrl: string) => [
  'model_list:',
  `  - model_name: m\n    litellm_params: { model: openai/up, api_base: "${mockUrl}/v1" }`,
  `  - model_name: n\n    litellm_params: { model: openai/up, api_base: "${mockUrl}/v1" }`,
  '',
].join('\n');
const start = (engine: StorageEngine, database?: string) => gateways.start(engine, config, database === undefined ? {} : { database });
const call = callWithKey;

const chat = (url: string, key: string, model = 'm') => call(url, '/v1/chat/completions', key, { model, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
const errorOf = (answer: CallAnswer) => answer.json.error as Record<string, unknown>;

async function teamWithKeys(url: string, fields: Record<string, unknown>, count: number): Promise<{ teamId: string; keys: string[] }> {
  const team = await call(url, '/team/new', MASTER, fields);
  expect(team.status).toBe(200);
  const teamId = team.json.team_id as string;
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    const generated = await call(url, '/key/generate', MASTER, { team_id: teamId });
    expect(generated.status).toBe(200);
    keys.push(generated.json.key as string);
  }
  return { teamId, keys };
}

describe.each(['sqlite', 'postgresql'] as const)('team and user limits through the gateway on %s', (engine) => {
  it("refuses a blocked team's key with LiteLLM's 401 on every route, and serves it again once unblocked", async () => {
    const { url } = await start(engine);
    const { teamId, keys: [key] } = await teamWithKeys(url, { team_id: 'research-team', team_alias: 'research' }, 1);
    expect((await chat(url, key!)).status).toBe(200);

    expect((await call(url, '/team/block', MASTER, { team_id: teamId })).status).toBe(200);
    const refused = await chat(url, key!);
    expect(refused.status).toBe(401);
    expect(errorOf(refused)).toMatchObject({ code: 'invalid_api_key', message: "Team=research-team is blocked. Update via `/team/unblock` if you're an admin." });
    // The same admission answers Anthropic's route, in Anthropic's shape.
    const messages = await call(url, '/v1/messages', key!, { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    expect(messages.status).toBe(401);
    expect(messages.json).toMatchObject({ type: 'error', error: { type: 'authentication_error', message: expect.stringContaining('Team=research-team is blocked') } });
    const responses = await call(url, '/v1/responses', key!, { model: 'm', input: 'hi' });
    expect(responses.status).toBe(401);
    expect(errorOf(responses)).toMatchObject({ code: 'invalid_api_key', message: expect.stringContaining('Team=research-team is blocked') });
    const ollama = await call(url, '/api/chat', key!, { model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: false });
    expect(ollama.status).toBe(401);
    expect(ollama.json.error).toEqual(expect.stringContaining('Team=research-team is blocked'));

    expect((await call(url, '/team/unblock', MASTER, { team_id: teamId })).status).toBe(200);
    expect((await chat(url, key!)).status).toBe(200);
  }, 60_000);

  it("shares the team's rpm_limit between its keys: 20 requests at once through two keys admit exactly 5, and the 429 names the team", async () => {
    const { url } = await start(engine);
    const { keys: [first, second] } = await teamWithKeys(url, { team_alias: 'research', rpm_limit: 5 }, 2);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => chat(url, i % 2 === 0 ? first! : second!)));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(5);
    const refusals = answers.filter((a) => a.status !== 200);
    expect(refusals.map((a) => a.status)).toEqual(Array(15).fill(429));
    const refused = refusals[0]!;
    expect(errorOf(refused)).toMatchObject({ code: 'rate_limited' });
    expect(errorOf(refused).message).toMatch(/^Rate limit exceeded for team 'research': 5 requests per minute\. Retry after \d+ s\.$/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // A key of no team is not held by it.
    const plain = await call(url, '/key/generate', MASTER, {});
    expect((await chat(url, plain.json.key as string)).status).toBe(200);
  }, 60_000);

  it("holds a team key to its team's models and a user's key without a team to the user's", async () => {
    const { url } = await start(engine);
    const { keys: [teamKey] } = await teamWithKeys(url, { team_alias: 'research', models: ['m'] }, 1);
    expect((await chat(url, teamKey!, 'm')).status).toBe(200);
    const refused = await chat(url, teamKey!, 'n');
    expect(refused.status).toBe(403);
    expect(errorOf(refused)).toMatchObject({ code: 'model_not_allowed', message: 'This key may not use model "n": team \'research\' allows only: m' });
    const listed = await call(url, '/v1/models', teamKey!);
    // The team's model (and the switchboard/active alias pointing at it), never the other group.
    const ids = (listed.json.data as { id: string }[]).map((model) => model.id);
    expect(ids).toContain('m');
    expect(ids).not.toContain('n');

    const user = await call(url, '/user/new', MASTER, { user_email: 'ann@example.com', models: ['n'] });
    expect(user.status).toBe(200);
    const userKey = user.json.key as string;
    expect((await chat(url, userKey, 'n')).status).toBe(200);
    expect(errorOf(await chat(url, userKey, 'm')).message).toBe('This key may not use model "m": user \'ann@example.com\' allows only: n');
  }, 60_000);
});

describe('team mode: a team blocked on one replica', () => {
  it('is refused by another replica within about a second, and served again once unblocked there', async () => {
    const database = await gateways.createDatabase();
    const a = await start('postgresql', database);
    const b = await start('postgresql', database);
    const { teamId, keys: [key] } = await teamWithKeys(a.url, { team_alias: 'research' }, 1);
    // B caches the key (and its team) first.
    expect((await chat(b.url, key!)).status).toBe(200);
    expect((await call(a.url, '/team/block', MASTER, { team_id: teamId })).status).toBe(200);
    const since = performance.now();
    await expect.poll(async () => (await chat(b.url, key!)).status, { timeout: 1_500, interval: 50 }).toBe(401);
    console.info(`team block seen by another replica in ${(performance.now() - since).toFixed(0)} ms`);
    expect((await call(a.url, '/team/unblock', MASTER, { team_id: teamId })).status).toBe(200);
    await expect.poll(async () => (await chat(b.url, key!)).status, { timeout: 1_500, interval: 50 }).toBe(200);
  }, 60_000);
});
