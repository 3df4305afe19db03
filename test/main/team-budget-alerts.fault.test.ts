// Budget alerts in team mode: two gateways (in process, each with its own pool, change feed and
// leader lease, as two replicas) on one real PostgreSQL database, configured as LiteLLM is
// (general_settings.alerting: ["webhook"] with WEBHOOK_URL) and posting to a loopback receiver.
// Requests alternate between them; each replica checks the budgets after its own usage flush, so
// both see every crossing, and yet each threshold is posted and logged exactly once: 80%, then 100%,
// then 80% again in the key's next budget period. A team's soft and hard budgets and a user's
// budget are announced the same way, once each.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTeamGateway, type RunningTeamGateway } from '../../main/start-team-gateway.js';
import { parseDatabaseUrl } from '../../main/storage/database-url.js';
import { createMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import { usePostgresCluster } from '../support/postgres-cluster.js';

const MASTER = 'adminpassphrase-0123456789';
/** $0.00001 per output token, input free; every answer reports 100 output tokens: each request costs exactly $0.001. */
const COST_USD = 0.001;

const postgres = usePostgresCluster();
let mock: MockUpstream;
let receiver: Server;
let webhookUrl: string;
let work: string;
const posts: string[] = [];
beforeAll(async () => {
  mock = await createMockUpstream({ defaultBehaviour: { kind: 'ok', usage: { prompt: 10, completion: 100 } } });
  receiver = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      posts.push((JSON.parse(text) as { text: string }).text);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen({ host: '127.0.0.1', port: 0 }, resolve));
  webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/budget-token-1234`;
  work = mkdtempSync(join(tmpdir(), 'switchboard-team-alerts-'));
});
afterAll(async () => {
  await mock.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
  rmSync(work, { recursive: true, force: true });
});

let replicas: RunningTeamGateway[] = [];
/** Every replica's log lines at warn and above, parsed. */
let logged: { msg: string; keyId?: string; level: number }[] = [];
afterEach(async () => {
  for (const replica of replicas) await replica.close();
  replicas = [];
  posts.length = 0;
  logged = [];
});

async function startReplicas(): Promise<[RunningTeamGateway, RunningTeamGateway]> {
  const dir = mkdtempSync(join(work, 'pg-'));
  const configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, [
    'model_list:',
    `  - model_name: m`,
    `    litellm_params: { model: openai/up, api_base: "${mock.url}/v1" }`,
    '    model_info: { input_cost_per_token: 0, output_cost_per_token: 0.00001 }',
    'general_settings:',
    '  alerting: ["webhook"]',
    '',
  ].join('\n'));
  const database = parseDatabaseUrl(await postgres.createDatabase());
  const log = pino({ level: 'warn' }, new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logged.push(JSON.parse(line) as { msg: string; level: number });
      done();
    },
  }));
  const start = (name: string) => startTeamGateway({
    configFile, dataDir: join(dir, name), host: '127.0.0.1', port: 0, masterKey: MASTER, env: { WEBHOOK_URL: webhookUrl }, log, dashboardDir: null, database,
  });
  // One after the other: the second finds the migrations applied.
  const a = await start('a');
  replicas.push(a);
  const b = await start('b');
  replicas.push(b);
  return [a, b];
}

async function call(url: string, path: string, key: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const chat = async (replica: RunningTeamGateway, key: string) => {
  const res = await call(replica.url, '/v1/chat/completions', key, { model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
  expect(res.status, JSON.stringify(res.json)).toBe(200);
};

/**
 * Both replicas write what they queued (/spend/logs flushes first), then each serves one request
 * on a key without a budget and flushes it, so that EACH replica checks the budgets after seeing
 * all the spend (a flush that charged a key checks): an announcement from both would show here.
 * Then every check and post they started has finished.
 */
async function quiesce(pair: readonly RunningTeamGateway[], ticker: string): Promise<void> {
  for (const replica of pair) expect((await call(replica.url, '/spend/logs?page_size=1', MASTER)).status).toBe(200);
  for (const replica of pair) {
    await chat(replica, ticker);
    expect((await call(replica.url, '/spend/logs?page_size=1', MASTER)).status).toBe(200);
  }
  for (const replica of pair) await replica.budgetAlerts.settled();
}

const tickerKey = async (replica: RunningTeamGateway) => (await call(replica.url, '/key/generate', MASTER, { key_alias: 'ticker' })).json.key as string;

const alertLines = () => logged.filter((line) => line.msg.startsWith('Switchboard: '));

describe('budget alerts across team-mode replicas', () => {
  it("posts a key's 80% and 100% exactly once across two replicas, and 80% again in the next budget period", async () => {
    const pair = await startReplicas();
    const [a, b] = pair;
    const ticker = await tickerKey(a);
    const generated = await call(a.url, '/key/generate', MASTER, { key_alias: 'shared-app', max_budget: COST_USD * 5, budget_duration: '30d' });
    expect(generated.status).toBe(200);
    const key = generated.json.key as string;

    // Three requests: 60%, nothing to say.
    for (const replica of [a, b, a]) await chat(replica, key);
    await quiesce(pair, ticker);
    expect(posts).toEqual([]);

    // The fourth crosses 80%: both replicas check after their flush, one posts.
    await chat(b, key);
    await quiesce(pair, ticker);
    expect(posts).toEqual(['Switchboard: shared-app has used 80% of its $0.005 budget ($0.004 spent).']);

    await chat(a, key);
    await quiesce(pair, ticker);
    expect(posts).toEqual([
      'Switchboard: shared-app has used 80% of its $0.005 budget ($0.004 spent).',
      'Switchboard: shared-app has used all of its $0.005 budget ($0.005 spent). Requests to priced models are refused until the budget resets or is raised.',
    ]);
    expect(alertLines().map((line) => line.keyId)).toEqual([expect.stringMatching(/^key_/), expect.stringMatching(/^key_/)]);

    // The period ends: the leader's reset sweep starts the key from 0 with a new period end.
    await a.connection.pool.query("UPDATE virtual_keys SET budget_reset_at = 1 WHERE key_alias = 'shared-app'");
    expect(await a.keys.resetDueBudgets()).toHaveLength(1);
    for (const replica of [b, a, b, a]) await chat(replica, key);
    await quiesce(pair, ticker);
    expect(posts).toHaveLength(3);
    expect(posts[2]).toBe('Switchboard: shared-app has used 80% of its $0.005 budget ($0.004 spent).');
    expect(alertLines()).toHaveLength(3);
    // The URL (its path is a token) is never logged.
    expect(JSON.stringify(logged)).not.toContain('budget-token-1234');
  }, 90_000);

  it("announces a team's soft and hard budgets and a user's budget once each across two replicas", async () => {
    const pair = await startReplicas();
    const [a, b] = pair;
    const ticker = await tickerKey(a);
    const team = await call(a.url, '/team/new', MASTER, { team_alias: 'research', max_budget: COST_USD * 5, soft_budget: COST_USD * 2 });
    expect(team.status).toBe(200);
    const teamKey = (await call(a.url, '/key/generate', MASTER, { key_alias: 'research-ci', team_id: team.json.team_id })).json.key as string;
    expect((await call(b.url, '/user/new', MASTER, { user_id: 'ana', user_email: 'ana@example.com', max_budget: COST_USD * 5, auto_create_key: false })).status).toBe(200);
    const userKey = (await call(b.url, '/key/generate', MASTER, { key_alias: 'ana-laptop', user_id: 'ana' })).json.key as string;

    // Two team requests reach the soft budget; four user requests reach the user's 80%.
    for (const replica of [a, b]) await chat(replica, teamKey);
    for (const replica of [b, a, b, a]) await chat(replica, userKey);
    await quiesce(pair, ticker);
    expect([...posts].sort()).toEqual([
      "Switchboard: team 'research' has reached its $0.002 soft budget ($0.002 spent). Requests are still served: a soft budget only warns.",
      "Switchboard: user 'ana@example.com' has used 80% of its $0.005 budget ($0.004 spent).",
    ]);

    // Two more team requests: the hard budget's 80%, once; the soft budget says nothing more.
    for (const replica of [b, a]) await chat(replica, teamKey);
    await quiesce(pair, ticker);
    expect(posts).toHaveLength(3);
    expect(posts[2]).toBe("Switchboard: team 'research' has used 80% of its $0.005 budget ($0.004 spent).");
    expect(alertLines()).toHaveLength(3);
  }, 90_000);
});
