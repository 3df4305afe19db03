// Team mode as it is deployed: three `switchboard serve` processes (the real CLI) on one throwaway
// PostgreSQL database, with requests spread across them. A budget admits exactly the requests it
// covers however they are spread, and never more is spent; rpm counts across replicas; a key
// blocked on one replica is refused by the others within a second, and a model added on one is
// served by another within a second (the change feed, migration 12).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** Three replicas on one fresh database: the first migrates, the other two find it migrated. */
async function startReplicas(): Promise<{ cli: Cli; url: string }[]> {
  const databaseUrl = await postgres.createDatabase();
  const config = join(work, `config-${Date.now()}.yaml`);
  writeFileSync(config, `model_list:
  - model_name: m
    litellm_params: { model: openai/up, api_base: "${mock.url}/v1" }
    model_info: { input_cost_per_token: 0, output_cost_per_token: 0.00001 }
general_settings:
  master_key: "${MASTER}"
  database_url: os.environ/TEAM_DATABASE_URL
`);
  const started = ['a', 'b', 'c'].map((name) => runCli(['serve', '--config', config, '--port', '0', '--data-dir', join(work, `${name}-${Date.now()}`)], { cwd: work, env: { TEAM_DATABASE_URL: databaseUrl } }));
  replicas = await Promise.all(started.map(async (cli) => ({ cli, url: await ready(cli) })));
  return replicas;
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
});
