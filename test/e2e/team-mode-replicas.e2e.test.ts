// Team mode as it is deployed: three `switchboard serve` processes (the real CLI) on one throwaway
// PostgreSQL database, with requests spread across them. A budget admits exactly the requests it
// covers however they are spread, and never more is spent; rpm counts across replicas; a key
// blocked on one replica is refused by the others within a second, and a model added on one is
// served by another within a second (the change feed, migration 12). Replicas that start together
// migrate once; a replica killed mid-request has its holds billed once their lease runs out, with
// no usage row lost or doubled; a database restart mid-traffic gives clean 503s, then recovery.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltCli, killStartedClis, ready, runCli, type Cli } from '../support/cli-process.js';
import { createMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import { usePostgresCluster } from '../support/postgres-cluster.js';

const MASTER = 'sk-team-admin-0123456789';
/** $0.00001 per output token, input free: max_tokens 100 may cost $0.001, and every answer costs exactly that. */
const WORST_CASE_USD = 0.001;
const ADMITTED = 10;
const SENT = 60;
/** How soon another replica must see a change (the change feed's promise). */
const PROPAGATION_MS = 1_000;

const postgres = usePostgresCluster();
let mock: MockUpstream;
let work: string;
let replicas: { cli: Cli; url: string }[] = [];

beforeAll(async () => {
  expect(ensureBuiltCli()).toBe(true);
  // Every answer reports 100 output tokens: each admitted request costs its whole worst case.
  mock = await createMockUpstream({ defaultBehaviour: { kind: 'ok', usage: { prompt: 10, completion: 100 } } });
  work = mkdtempSync(join(tmpdir(), 'switchboard-team-replicas-'));
}, 120_000);
afterAll(async () => {
  await mock?.close();
  rmSync(work, { recursive: true, force: true });
});
afterEach(async () => {
  // SIGTERM each (they drain and close their pools), then anything left is killed.
  await Promise.all(replicas.map(async ({ cli }) => {
    cli.child.kill('SIGTERM');
    await cli.exited;
  }));
  replicas = [];
  killStartedClis();
}, 30_000);

let databaseUrl = '';

/** Three replicas started together on one fresh database: they race to migrate it (the advisory lock lets one). */
async function startReplicas(extraSettings = '', env: Record<string, string> = {}): Promise<{ cli: Cli; url: string }[]> {
  databaseUrl = await postgres.createDatabase();
  const config = join(work, `config-${Date.now()}.yaml`);
  writeFileSync(config, `model_list:
  - model_name: m
    litellm_params: { model: openai/up, api_base: "${mock.url}/v1" }
    model_info: { input_cost_per_token: 0, output_cost_per_token: 0.00001 }
general_settings:
  master_key: "${MASTER}"
  database_url: os.environ/TEAM_DATABASE_URL
${extraSettings}`);
  const started = ['a', 'b', 'c'].map((name) => runCli(['serve', '--config', config, '--port', '0', '--data-dir', join(work, `${name}-${Date.now()}`)], { cwd: work, env: { TEAM_DATABASE_URL: databaseUrl, ...env } }));
  replicas = await Promise.all(started.map(async (cli) => ({ cli, url: await ready(cli) })));
  return replicas;
}

/** One query on the shared database, as an operator would look. */
async function query<Row>(text: string, params: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(text, params)).rows as Row[];
  } finally {
    await client.end();
  }
}

async function call(url: string, path: string, key: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const chat = (url: string, key: string, model = 'm') => call(url, '/v1/chat/completions', key, { model, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });

/** Asks until `done` holds for the answer; returns how long that took, or fails after `withinMs` (and some slack to report the real time). */
async function timeUntil(ask: () => Promise<{ status: number }>, done: (status: number) => boolean, withinMs: number): Promise<number> {
  const since = performance.now();
  for (;;) {
    const { status } = await ask();
    const elapsed = performance.now() - since;
    if (done(status)) return elapsed;
    if (elapsed > withinMs * 5) throw new Error(`not seen after ${Math.round(elapsed)} ms (last status ${status})`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('three serve replicas on one PostgreSQL database', () => {
  it(`admit exactly the ${ADMITTED} of ${SENT} concurrent requests a budget covers, spread across them, and spend at most the budget`, async () => {
    const [a, b, c] = await startReplicas();
    const generated = await call(a!.url, '/key/generate', MASTER, { key_alias: 'team-app', max_budget: WORST_CASE_USD * (ADMITTED + 0.5) });
    expect(generated.status).toBe(200);
    const key = generated.json.key as string;

    const spread = [a!, b!, c!];
    const answers = await Promise.all(Array.from({ length: SENT }, (_, i) => chat(spread[i % 3]!.url, key)));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(ADMITTED);
    expect(statuses.filter((status) => status === 429)).toHaveLength(SENT - ADMITTED);
    expect(answers.filter((answer) => answer.status === 429).every((answer) => (answer.json.error as Record<string, unknown>).code === 'budget_exceeded')).toBe(true);

    // Spend is settled as usage rows land (batched): read it once every replica has written them.
    let spend = 0;
    await expect.poll(async () => {
      const info = await call(c!.url, `/key/info?key=${encodeURIComponent(key)}`, MASTER);
      spend = (info.json.info as Record<string, unknown>).spend as number;
      return spend;
    }, { timeout: 10_000 }).toBeCloseTo(WORST_CASE_USD * ADMITTED, 9);
    expect(spend).toBeLessThanOrEqual(WORST_CASE_USD * (ADMITTED + 0.5));
  }, 120_000);

  it('count a key\'s rpm across replicas: 15 requests spread over three replicas, exactly rpm admitted', async () => {
    const [a, b, c] = await startReplicas();
    const generated = await call(b!.url, '/key/generate', MASTER, { key_alias: 'rpm-app', rpm_limit: 5 });
    const key = generated.json.key as string;
    const spread = [a!, b!, c!];
    const answers = await Promise.all(Array.from({ length: 15 }, (_, i) => chat(spread[i % 3]!.url, key)));
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(5);
    expect(answers.filter((answer) => answer.status === 429)).toHaveLength(10);
  }, 120_000);

  it(`refuse on B and C a key blocked on A within ${PROPAGATION_MS} ms, and serve on B a model added on A within ${PROPAGATION_MS} ms`, async () => {
    const [a, b, c] = await startReplicas();
    const generated = await call(a!.url, '/key/generate', MASTER, { key_alias: 'to-block' });
    const key = generated.json.key as string;
    // B and C have verified (and cached) the key before it is blocked.
    expect((await chat(b!.url, key)).status).toBe(200);
    expect((await chat(c!.url, key)).status).toBe(200);

    expect((await call(a!.url, '/key/block', MASTER, { key })).status).toBe(200);
    const [onB, onC] = await Promise.all([
      timeUntil(() => chat(b!.url, key), (status) => status === 401, PROPAGATION_MS),
      timeUntil(() => chat(c!.url, key), (status) => status === 401, PROPAGATION_MS),
    ]);
    expect(onB).toBeLessThanOrEqual(PROPAGATION_MS);
    expect(onC).toBeLessThanOrEqual(PROPAGATION_MS);

    // B does not know "extra" yet.
    expect((await chat(b!.url, MASTER, 'extra')).status).toBe(404);
    const added = await call(a!.url, '/model/new', MASTER, { model_name: 'extra', litellm_params: { model: 'openai/up', api_base: `${mock.url}/v1` }, model_info: { id: 'extra-1' } });
    expect(added.status).toBe(200);
    const served = await timeUntil(() => chat(b!.url, MASTER, 'extra'), (status) => status === 200, PROPAGATION_MS);
    expect(served).toBeLessThanOrEqual(PROPAGATION_MS);
  }, 120_000);

  it('migrate a fresh database once when three replicas start together', async () => {
    const started = await startReplicas('', { SWITCHBOARD_LOG_LEVEL: 'info' });
    // Each replica that applied steps says so once; the two that waited on the lock found them done.
    const upgraded = started.filter(({ cli }) => /Database upgraded to schema \d+/.test(cli.stdout() + cli.stderr()));
    expect(upgraded).toHaveLength(1);
    const [row] = await query<{ version: number }>('SELECT version FROM switchboard_schema_version');
    expect(row!.version).toBeGreaterThanOrEqual(12);
    // And all three serve.
    for (const { url } of started) expect((await chat(url, MASTER)).status).toBe(200);
  }, 120_000);

  it('bill the holds of a replica killed mid-request once their lease runs out, with no usage row lost or doubled', async () => {
    const [a, b] = await startReplicas('  reservation_lease_seconds: 2\n');
    const generated = await call(b!.url, '/key/generate', MASTER, { key_alias: 'killed', max_budget: WORST_CASE_USD * 4.5 });
    const key = generated.json.key as string;
    const keyId = ((await call(b!.url, `/key/info?key=${encodeURIComponent(key)}`, MASTER)).json.info as Record<string, unknown>).token as string;

    // One finished request on A, its row written before A dies.
    expect((await chat(a!.url, key)).status).toBe(200);
    await expect.poll(async () => (await query('SELECT 1 FROM usage_log WHERE key_id = $1', [keyId])).length, { timeout: 5_000 }).toBe(1);

    // Two requests on A that the upstream never answers: their holds are in the database.
    mock.script([{ kind: 'hang-before-headers' }, { kind: 'hang-before-headers' }]);
    const requestsBefore = mock.requests.length;
    const hung = [chat(a!.url, key).catch(() => ({ status: 0 })), chat(a!.url, key).catch(() => ({ status: 0 }))];
    await expect.poll(() => mock.requests.length - requestsBefore, { timeout: 5_000 }).toBe(2);
    a!.cli.child.kill('SIGKILL');
    expect(await a!.cli.exited).toBe('SIGKILL');
    await Promise.all(hung);

    // Budget 4.5 worst cases: 1 spent + 2 held leaves room for exactly 1 more while the holds stand.
    expect((await chat(b!.url, key)).status).toBe(200);
    expect((await chat(b!.url, key)).status).toBe(429);

    // Within lease (2 s) + the sweep's period (1 s) + slack, the leader (B or C) bills the holds.
    const since = performance.now();
    await expect.poll(async () => (await query('SELECT 1 FROM usage_log WHERE key_id = $1 AND status = $2', [keyId, 'interrupted'])).length, { timeout: 10_000, interval: 100 }).toBe(2);
    const billedAfterMs = performance.now() - since;
    expect(billedAfterMs).toBeLessThan(6_000);

    const rows = await query<{ request_id: string; status: string; cost_micros: number }>('SELECT request_id, status, cost_micros FROM usage_log WHERE key_id = $1', [keyId]);
    // 2 answered (A before the kill, B), 2 billed holds, and B's budget refusal (recorded at no cost).
    expect(rows.map((row) => row.status).sort()).toEqual(['interrupted', 'interrupted', 'rejected', 'success', 'success']);
    expect(new Set(rows.map((row) => row.request_id)).size).toBe(5);
    expect(rows.filter((row) => row.status === 'interrupted').every((row) => Number(row.cost_micros) === WORST_CASE_USD * 1_000_000)).toBe(true);
    const [budget] = await query<{ spend_micros: string; reserved_micros: string }>('SELECT spend_micros, reserved_micros FROM virtual_keys WHERE id = $1', [keyId]);
    expect(Number(budget!.spend_micros)).toBe(4 * WORST_CASE_USD * 1_000_000);
    expect(Number(budget!.reserved_micros)).toBe(0);
    expect((await query('SELECT 1 FROM budget_reservations WHERE settled = 0')).length).toBe(0);
    // Every row's cost went to the key's spend exactly once: the sum of the rows is the spend.
    expect(rows.reduce((sum, row) => sum + Number(row.cost_micros), 0)).toBe(Number(budget!.spend_micros));
  }, 120_000);

  it('answer clean 503s while the database restarts mid-traffic, then serve and record again without a restart', async () => {
    const replicasUp = await startReplicas();
    const generated = await call(replicasUp[0]!.url, '/key/generate', MASTER, { key_alias: 'outage', max_budget: 100 });
    const key = generated.json.key as string;
    const keyId = ((await call(replicasUp[0]!.url, `/key/info?key=${encodeURIComponent(key)}`, MASTER)).json.info as Record<string, unknown>).token as string;
    const readiness = async (url: string) => {
      const live = replicasUp.find((replica) => replica.url === url)!;
      if (live.cli.child.exitCode !== null || live.cli.child.signalCode !== null) throw new Error(`replica ${url} exited (${live.cli.child.exitCode ?? live.cli.child.signalCode}): ${live.cli.stderr()}${live.cli.stdout()}`);
      return (await fetch(`${url}/health/readiness`)).status;
    };

    let stop = false;
    const seen: { status: number; code?: unknown }[] = [];
    const traffic = (async () => {
      for (let i = 0; !stop; i += 1) {
        const answer = await chat(replicasUp[i % 3]!.url, key).catch((error: unknown) => ({ status: -1, json: { error: String(error) } as Record<string, unknown> }));
        seen.push({ status: answer.status, code: (answer.json.error as Record<string, unknown> | undefined)?.code });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await postgres.cluster().pause();
    // Readiness fails on every replica while the database is down.
    await expect.poll(async () => (await Promise.all(replicasUp.map(({ url }) => readiness(url)))).every((status) => status === 503), { timeout: 5_000 }).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await postgres.cluster().resume();
    await expect.poll(async () => (await Promise.all(replicasUp.map(({ url }) => readiness(url)))).every((status) => status === 200), { timeout: 15_000 }).toBe(true);
    const afterResume = seen.length;
    await expect.poll(() => seen.slice(afterResume).filter((answer) => answer.status === 200).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(6);
    stop = true;
    await traffic;

    // Every answer was a success or a clean 503 in OpenAI's shape (never a hang, a reset or a 500).
    expect(seen.filter((answer) => answer.status !== 200 && answer.status !== 503)).toEqual([]);
    expect(seen.filter((answer) => answer.status === 503).length).toBeGreaterThan(0);
    // Every request answered 200 has its one usage row once the queues are written.
    const answered = seen.filter((answer) => answer.status === 200).length;
    await expect.poll(async () => (await query('SELECT 1 FROM usage_log WHERE key_id = $1 AND status = $2', [keyId, 'success'])).length, { timeout: 10_000 }).toBe(answered);
  }, 120_000);
});
