// Budgets and rate limits through the real HTTP path (startGateway, the openai SDK as client):
// S27 — 20 concurrent requests whose worst case is $0.30 against a $1.00 budget: never more than
// 3 admitted, spend never above the budget, every refusal a 429 budget_exceeded with its row;
// S28 — rpm, tpm and parallel limits on a clock the test moves: the N+1th request in the window
// gets 429 with Retry-After counted on that clock, the window rolls, keys are independent; budget
// periods (budget_duration) reset on the same clock.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { estimatePromptTokens } from '../../main/core/estimate-tokens.js';
import { sendToGateway } from '../support/send-to-gateway.js';
import { eventually, holdUntilReleased, startMeteredGateway, type MeteredGateway } from './metered-gateway.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

let gw: MeteredGateway;

beforeAll(async () => {
  gw = await startMeteredGateway();
});
afterAll(async () => {
  await gw?.close();
});
beforeEach(() => {
  gw.mock.setDefault({ kind: 'ok' });
  // A fresh minute for every case: no rate-limit window leaks from one case into the next.
  gw.clock.advance(10 * MINUTE);
});

const generate = (fields: Record<string, unknown>) => gw.generateKey(fields);

type Outcome = { ok: true; id: string } | { ok: false; error: InstanceType<typeof OpenAI.APIError> };

async function outcome(call: Promise<{ response: Response }>): Promise<Outcome> {
  try {
    const { response } = await call;
    return { ok: true, id: response.headers.get('x-request-id')! };
  } catch (error) {
    if (error instanceof OpenAI.APIError) return { ok: false, error };
    throw error;
  }
}

const ask = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  messages: [{ role: 'user' as const, content: 'Summarise the quarterly report.' }],
  ...extra,
});

/** premium: $300 per million tokens in and out, so prompt + max_tokens = 1,000 tokens is a $0.30 worst case. */
const PROMPT_TOKENS = estimatePromptTokens(ask('premium'));
const MAX_TOKENS = 1000 - PROMPT_TOKENS;
const worstCaseCall = () => ask('premium', { max_tokens: MAX_TOKENS });

function keySpendMicros(id: string): { spend: number; reserved: number } {
  const record = gw.running().keys.info(id)!;
  return { spend: record.spendMicros, reserved: record.reservedMicros };
}

describe('a $1.00 budget under 20 concurrent requests that may cost $0.30 each (S27)', () => {
  it('admits 3 while all of them are in flight, refuses 17 with 429 budget_exceeded, and settles spend within the budget', async () => {
    const app = await generate({ key_alias: 'batch-job', max_budget: 1, models: ['premium'] });
    const client = gw.openai(app.key);
    // The upstream holds every request it gets until all 20 are decided, then bills 500 tokens each.
    const held = holdUntilReleased({ prompt: PROMPT_TOKENS, completion: 500 - PROMPT_TOKENS });
    gw.mock.setDefault(held.behaviour);

    let refused = 0;
    let decided!: () => void;
    const allDecided = new Promise<void>((resolve) => {
      decided = resolve;
    });
    const check = () => {
      if (held.arrived() + refused === 20) decided();
    };
    const calls = Array.from({ length: 20 }, async () => {
      const result = await outcome(client.chat.completions.create(worstCaseCall()).withResponse());
      if (!result.ok) {
        refused++;
        check();
      }
      return result;
    });
    held.onArrival(check);
    await allDecided;
    expect(held.arrived()).toBe(3);
    expect(refused).toBe(17);
    // While the three are in flight, their worst case is held against the budget.
    expect(keySpendMicros(app.id)).toEqual({ spend: 0, reserved: 900_000 });

    held.release();
    const outcomes = await Promise.all(calls);
    const admitted = outcomes.filter((o): o is Extract<Outcome, { ok: true }> => o.ok);
    const refusals = outcomes.filter((o): o is Extract<Outcome, { ok: false }> => !o.ok);
    expect(admitted).toHaveLength(3);
    for (const { error } of refusals) {
      expect(error.status).toBe(429);
      expect(error.error).toMatchObject({ type: 'budget_exceeded', code: 'budget_exceeded', param: null });
      expect((error.error as { message: string }).message).toMatch(
        /^Budget exceeded for batch-job: this request may cost up to \$0\.30 at [\d,]+ output tokens; batch-job has \$0\.10 left of its \$1\.00 budget \(\$0\.90 more is held by requests in progress\); lower max_tokens to lower the hold; the budget does not reset on a schedule\.$/,
      );
      expect(error.headers?.get('retry-after')).toBeNull();
    }

    // Settled: each answer cost 500 tokens ($0.15), the reservations are gone, spend = the rows.
    const logs = await gw.api('GET', `/spend/logs?api_key=${app.id}&page_size=100`);
    const rows: any[] = logs.json.data;
    expect(rows).toHaveLength(20);
    expect(rows.filter((r) => r.status === 'success').map((r) => r.request_id).sort()).toEqual(admitted.map((o) => o.id).sort());
    expect(rows.filter((r) => r.status === 'rejected' && r.error_code === 'budget_exceeded' && r.http_status === 429)).toHaveLength(17);
    expect(rows.filter((r) => r.status === 'success').map((r) => r.spend_micros)).toEqual([150_000, 150_000, 150_000]);
    expect(keySpendMicros(app.id)).toEqual({ spend: 450_000, reserved: 0 });
    const info = await gw.api('GET', `/key/info?key=${app.id}`);
    expect(info.json.info.spend).toBe(0.45);
    expect(info.json.info.spend).toBeLessThanOrEqual(info.json.info.max_budget);
  });

  it('admits exactly 3 of 20 however they interleave when each answer costs its whole worst case, and spends $0.90', async () => {
    const app = await generate({ key_alias: 'batch-job-2', max_budget: 1, models: ['premium'] });
    const client = gw.openai(app.key);
    gw.mock.setDefault({ kind: 'ok', usage: { prompt: PROMPT_TOKENS, completion: MAX_TOKENS } });
    const before = gw.mock.requests.length;

    const outcomes = await Promise.all(Array.from({ length: 20 }, () => outcome(client.chat.completions.create(worstCaseCall()).withResponse())));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(3);
    expect(gw.mock.requests.length - before).toBe(3);
    for (const o of outcomes) if (!o.ok) expect(o.error.error).toMatchObject({ code: 'budget_exceeded' });
    expect(keySpendMicros(app.id)).toEqual({ spend: 900_000, reserved: 0 });
    const rows = gw.usageRows('key_id = ?', app.id);
    expect(rows.reduce((sum, r) => sum + r.cost_micros, 0)).toBe(900_000);
  });

  it('lets a key whose budget is spent keep using a model priced at zero', async () => {
    const app = await generate({ key_alias: 'spent-app', max_budget: 0, models: ['premium', 'local'] });
    const client = gw.openai(app.key);
    const paid = await outcome(client.chat.completions.create(ask('premium', { max_tokens: 10 })).withResponse());
    expect(paid.ok).toBe(false);
    const free = await outcome(client.chat.completions.create(ask('local')).withResponse());
    expect(free.ok).toBe(true);
    expect(keySpendMicros(app.id)).toEqual({ spend: 0, reserved: 0 });
  });
});

describe('budget periods (budget_duration) on a clock the test moves', () => {
  it('refuses until the period ends, with Retry-After counting down to the reset, then admits again from zero', async () => {
    const createdAt = gw.clock.now();
    const app = await generate({ key_alias: 'daily-app', max_budget: 0.5, budget_duration: '1d', models: ['premium'] });
    const client = gw.openai(app.key);
    gw.mock.setDefault({ kind: 'ok', usage: { prompt: PROMPT_TOKENS, completion: MAX_TOKENS } });
    expect((await outcome(client.chat.completions.create(worstCaseCall()).withResponse())).ok).toBe(true);

    gw.clock.advance(6 * 60 * MINUTE);
    const refused = await outcome(client.chat.completions.create(worstCaseCall()).withResponse());
    expect(refused.ok).toBe(false);
    const error = (refused as Extract<Outcome, { ok: false }>).error;
    expect(error.error).toMatchObject({ type: 'budget_exceeded' });
    expect((error.error as { message: string }).message).toBe(
      'Budget exceeded for daily-app: this request may cost up to $0.30 at 985 output tokens; daily-app has $0.20 left of its $0.50 budget; ' +
        `lower max_tokens to lower the hold; resets 3 Mar 2026 10:40 UTC.`,
    );
    expect(error.headers?.get('retry-after')).toBe(String(18 * 60 * 60));

    gw.clock.advance(18 * 60 * MINUTE - 1_000);
    const stillRefused = await outcome(client.chat.completions.create(worstCaseCall()).withResponse());
    expect(stillRefused.ok).toBe(false);
    expect((stillRefused as Extract<Outcome, { ok: false }>).error.headers?.get('retry-after')).toBe('1');

    gw.clock.advance(1_000);
    expect((await outcome(client.chat.completions.create(worstCaseCall()).withResponse())).ok).toBe(true);
    const info = await gw.api('GET', `/key/info?key=${app.id}`);
    expect(info.json.info).toMatchObject({ spend: 0.3, budget_reset_at: new Date(createdAt + 2 * DAY).toISOString() });
  });
});

describe('rate-limit windows on a clock the test moves (S28)', () => {
  it('refuses the 3rd request in a minute of an rpm-2 key with Retry-After from the window, until the window rolls', async () => {
    const app = await generate({ key_alias: 'rpm-app', rpm_limit: 2 });
    const other = await generate({ key_alias: 'rpm-neighbour', rpm_limit: 2 });
    const client = gw.openai(app.key);
    const t0 = gw.clock.now();

    const first = await client.chat.completions.create(ask('cheap')).withResponse();
    expect(first.response.headers.get('x-ratelimit-remaining-requests')).toBe('1');
    gw.clock.advance(10_000);
    const second = await client.chat.completions.create(ask('cheap')).withResponse();
    expect(second.response.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(second.response.headers.get('x-ratelimit-reset-requests')).toBe('1m0s');

    gw.clock.advance(5_000);
    const third = await outcome(client.chat.completions.create(ask('cheap')).withResponse());
    expect(third.ok).toBe(false);
    const error = (third as Extract<Outcome, { ok: false }>).error;
    expect(error.status).toBe(429);
    expect(error.error).toMatchObject({ type: 'rate_limit_error', code: 'rate_limited' });
    // The first request leaves the window at t0 + 60 s: 45 s from now on the test's clock.
    expect(error.headers?.get('retry-after')).toBe('45');
    expect(error.headers?.get('x-ratelimit-limit-requests')).toBe('2');
    expect(error.headers?.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(error.headers?.get('x-ratelimit-reset-requests')).toBe('55s');

    // Another key's window is its own.
    const neighbour = await gw.openai(other.key).chat.completions.create(ask('cheap')).withResponse();
    expect(neighbour.response.headers.get('x-ratelimit-remaining-requests')).toBe('1');

    gw.clock.advance(t0 + MINUTE - 1 - gw.clock.now());
    const early = await outcome(client.chat.completions.create(ask('cheap')).withResponse());
    expect(early.ok).toBe(false);
    expect((early as Extract<Outcome, { ok: false }>).error.headers?.get('retry-after')).toBe('1');

    gw.clock.advance(1);
    const rolled = await client.chat.completions.create(ask('cheap')).withResponse();
    // The window now holds the request at t0 + 10 s and this one.
    expect(rolled.response.headers.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(rolled.response.headers.get('x-ratelimit-reset-requests')).toBe('1m0s');

    const rows = gw.usageRows('key_id = ?', app.id);
    expect(rows.map((r) => [r.status, r.error_code])).toEqual([
      ['success', null], ['success', null], ['rejected', 'rate_limited'], ['rejected', 'rate_limited'], ['success', null],
    ]);
  });

  it('refuses a request over the tpm limit, counting the tokens the upstream reported, until they leave the window', async () => {
    const app = await generate({ key_alias: 'tpm-app', tpm_limit: 40 });
    const client = gw.openai(app.key);
    gw.mock.setDefault({ kind: 'ok', usage: { prompt: 10, completion: 30 } });

    const first = await client.chat.completions.create(ask('cheap')).withResponse();
    expect(first.response.headers.get('x-ratelimit-limit-tokens')).toBe('40');
    gw.clock.advance(20_000);
    const second = await outcome(client.chat.completions.create(ask('cheap')).withResponse());
    expect(second.ok).toBe(false);
    const error = (second as Extract<Outcome, { ok: false }>).error;
    expect(error.error).toMatchObject({ code: 'rate_limited' });
    expect((error.error as { message: string }).message).toContain('40 tokens per minute');
    expect(error.headers?.get('x-ratelimit-remaining-tokens')).toBe('0');
    expect(error.headers?.get('retry-after')).toBe('40');

    gw.clock.advance(40_000);
    expect((await outcome(client.chat.completions.create(ask('cheap')).withResponse())).ok).toBe(true);
  });

  it('refuses a second request in parallel with max_parallel_requests 1, and admits the next once the first has finished', async () => {
    const app = await generate({ key_alias: 'parallel-app', max_parallel_requests: 1 });
    const client = gw.openai(app.key);
    const held = holdUntilReleased({ prompt: 10, completion: 4 });
    gw.mock.setDefault(held.behaviour);

    const first = outcome(client.chat.completions.create(ask('cheap')).withResponse());
    await held.waitForArrivals(1);
    const second = await outcome(client.chat.completions.create(ask('cheap')).withResponse());
    expect(second.ok).toBe(false);
    const error = (second as Extract<Outcome, { ok: false }>).error;
    expect(error.status).toBe(429);
    expect((error.error as { message: string }).message).toContain('1 requests in parallel');
    expect(error.headers?.get('retry-after')).toBe('1');

    held.release();
    expect((await first).ok).toBe(true);
    gw.mock.setDefault({ kind: 'ok' });
    expect((await outcome(client.chat.completions.create(ask('cheap')).withResponse())).ok).toBe(true);
  });

  it('gives the parallel slot of a client that hung up mid-stream back, so the next request is admitted (S24)', async () => {
    const app = await generate({ key_alias: 'hangup-app', max_parallel_requests: 1 });
    gw.mock.script({ kind: 'stall-after-n-chunks', n: 2 });
    const upstreamIndex = gw.mock.requests.length;
    const exchange = sendToGateway(gw.port(), '/v1/chat/completions', { ...ask('cheap'), stream: true }, { key: app.key });
    const requestId = String((await exchange.head).headers['x-request-id']);
    await exchange.waitFor((text) => text.includes('Hello'));
    const busy = await outcome(gw.openai(app.key).chat.completions.create(ask('cheap')).withResponse());
    expect(busy.ok || busy.error.code).toBe('rate_limited');

    exchange.disconnect();
    await gw.mock.waitForClientClose(upstreamIndex);
    const row = await eventually(() => gw.usageRows('request_id = ?', requestId)[0], 'the aborted request\'s row');
    expect(row.status).toBe('client_aborted');
    expect((await outcome(gw.openai(app.key).chat.completions.create(ask('cheap')).withResponse())).ok).toBe(true);
  });

  it('starts with empty windows after a restart (limits are in memory) while the budget carries over', async () => {
    const app = await generate({ key_alias: 'restart-app', rpm_limit: 1, max_budget: 0.5, models: ['premium'] });
    gw.mock.setDefault({ kind: 'ok', usage: { prompt: PROMPT_TOKENS, completion: MAX_TOKENS } });
    expect((await outcome(gw.openai(app.key).chat.completions.create(worstCaseCall()).withResponse())).ok).toBe(true);
    const limited = await outcome(gw.openai(app.key).chat.completions.create(worstCaseCall()).withResponse());
    expect(limited.ok || limited.error.code).toBe('rate_limited');

    await gw.restart();
    const afterRestart = await outcome(gw.openai(app.key).chat.completions.create(worstCaseCall()).withResponse());
    // Past the rate limit (a fresh window), stopped by the budget that persisted: $0.30 of $0.50 spent.
    expect(afterRestart.ok || afterRestart.error.code).toBe('budget_exceeded');
    expect(keySpendMicros(app.id)).toEqual({ spend: 300_000, reserved: 0 });
  });
});
