// Per-attempt admission through the real gateway (startGateway, the ledger meter on a real SQLite
// file, the official openai and Anthropic SDKs as clients, loopback upstreams only):
// S38 — every attempt (a `fallbacks` group, a retry onto another deployment, a
// context_window_fallbacks group) passes the key's model allow-list and a reservation priced for
// the deployment actually called, also after a zero-priced first choice;
// S37 — the reservation counts every choice (`n`) a request can produce;
// S30 — a reservation that fails on a busy database answers 503 storage_busy and gives the
// key's parallel slot back.
import Anthropic from '@anthropic-ai/sdk';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { estimatePromptTokens } from '../../main/core/estimate-tokens.js';
import { DATABASE_FILE } from '../../main/start-gateway.js';
import { refusedPort } from '../support/refused-port.js';
import { holdUntilReleased, startMeteredGateway, type MeteredGateway } from './metered-gateway.js';

const MINUTE = 60_000;
const UPSTREAM_KEY = 'sk-upstream-e2e-0123';

let gw: MeteredGateway;

/**
 * - `local`: a local server that is down (connection refused): free, and failing;
 * - `premium`: $300 per million tokens in and out, at the mock; `local` falls back to it, then to `cheap`;
 * - `cheap`: $1 in / $2 out per million, at the mock; falls back to `premium`, then `big`;
 * - `small`: free, at the mock, takes 20 prompt tokens at most; too long a prompt moves to
 *   `premium`, else `big` (context_window_fallbacks);
 * - `big`: $1 in / $2 out per million, at the mock.
 */
function models(down: number) {
  return (mockUrl: string) => `model_list:
  - model_name: local
    litellm_params: { model: openai/llama-local, api_base: "http://127.0.0.1:${down}/v1" }
  - model_name: premium
    litellm_params: { model: openai/acme-large, api_base: "${mockUrl}/v1", api_key: "${UPSTREAM_KEY}" }
    model_info: { input_cost_per_token: 0.0003, output_cost_per_token: 0.0003 }
  - model_name: cheap
    litellm_params: { model: openai/acme-small, api_base: "${mockUrl}/v1", api_key: "${UPSTREAM_KEY}" }
    model_info: { input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 }
  - model_name: small
    litellm_params: { model: openai/tiny-local, api_base: "${mockUrl}/v1" }
    model_info: { max_input_tokens: 20 }
  - model_name: big
    litellm_params: { model: openai/acme-long, api_base: "${mockUrl}/v1", api_key: "${UPSTREAM_KEY}" }
    model_info: { input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 }
router_settings:
  num_retries: 0
  cooldown_time: 0
  fallbacks: [{ local: [premium, cheap] }, { cheap: [premium, big] }]
  context_window_fallbacks: [{ small: [premium, big] }]
`;
}

beforeAll(async () => {
  gw = await startMeteredGateway({ models: models(await refusedPort()) });
});
afterAll(async () => {
  await gw?.close();
});
beforeEach(() => {
  gw.mock.setDefault({ kind: 'ok' });
  gw.clock.advance(10 * MINUTE);
});

const generate = (fields: Record<string, unknown>) => gw.generateKey(fields);

type Outcome = { ok: true; id: string; headers: Headers } | { ok: false; error: InstanceType<typeof OpenAI.APIError> };

async function outcome(call: Promise<{ response: Response }>): Promise<Outcome> {
  try {
    const { response } = await call;
    return { ok: true, id: response.headers.get('x-request-id')!, headers: response.headers };
  } catch (error) {
    if (error instanceof OpenAI.APIError) return { ok: false, error };
    throw error;
  }
}

function refusal(result: Outcome): InstanceType<typeof OpenAI.APIError> {
  if (result.ok) throw new Error(`expected a refusal, got request ${result.id} served`);
  return result.error;
}

const ask = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  messages: [{ role: 'user' as const, content: 'Summarise the quarterly report.' }],
  ...extra,
});

/** On premium ($300 per million in and out), prompt + max_tokens = 1,000 tokens is a $0.30 worst case. */
const PROMPT_TOKENS = estimatePromptTokens(ask('local'));
const MAX_TOKENS = 1000 - PROMPT_TOKENS;

function keyBudget(id: string): { spend: number; reserved: number } {
  const record = gw.running().keys.info(id)!;
  return { spend: record.spendMicros, reserved: record.reservedMicros };
}

/** Upstream requests per model the mock saw since `from`. */
function upstreamModels(from: number): string[] {
  return gw.mock.requests.slice(from).map((r) => (r.json as { model: string }).model);
}

describe('fallbacks stay within the key\'s allowed models (S38)', () => {
  it('never sends a key limited to a free local model to the paid fallback when the local server is down', async () => {
    const app = await generate({ key_alias: 'local-only', models: ['local'] });
    const before = gw.mock.requests.length;

    const error = refusal(await outcome(gw.openai(app.key).chat.completions.create(ask('local')).withResponse()));
    // The paid (and the cheap) fallback received nothing at all.
    expect(gw.mock.requests.length - before).toBe(0);
    // The client learns the real cause, and why no fallback served it.
    expect(error.error).toMatchObject({ code: 'upstream_unavailable' });
    expect((error.error as { message: string }).message).toMatch(/connection refused/);
    expect((error.error as { message: string }).message).toContain('Fallbacks "premium", "cheap" were not tried: this key may not use them');
    const [row] = gw.usageRows('key_id = ?', app.id);
    expect(row).toMatchObject({ model_group: 'local', error_code: 'upstream_unavailable', cost_micros: 0 });
    expect(keyBudget(app.id)).toEqual({ spend: 0, reserved: 0 });
  });

  it('skips a fallback the key may not use and is served by the next one it may use', async () => {
    const app = await generate({ key_alias: 'local-and-cheap', models: ['local', 'cheap'] });
    const before = gw.mock.requests.length;
    const served = await outcome(gw.openai(app.key).chat.completions.create(ask('local')).withResponse());
    expect(served.ok).toBe(true);
    expect(upstreamModels(before)).toEqual(['acme-small']);
    if (served.ok) {
      expect(served.headers.get('x-litellm-model-group')).toBe('cheap');
      // premium was skipped, not attempted: one fallback attempt, to cheap.
      expect(served.headers.get('x-litellm-attempted-fallbacks')).toBe('1');
    }
  });

  it('moves a too-long prompt to a context-window fallback the key may use, never to one it may not', async () => {
    const app = await generate({ key_alias: 'small-and-big', models: ['small', 'big'] });
    const before = gw.mock.requests.length;
    const long = ask('small', { messages: [{ role: 'user', content: 'word '.repeat(200) }] });
    const served = await outcome(gw.openai(app.key).chat.completions.create(long).withResponse());
    expect(served.ok).toBe(true);
    expect(upstreamModels(before)).toEqual(['acme-long']);

    const smallOnly = await generate({ key_alias: 'small-only', models: ['small'] });
    const error = refusal(await outcome(gw.openai(smallOnly.key).chat.completions.create(long).withResponse()));
    expect(error.status).toBe(400);
    expect(error.error).toMatchObject({ code: 'context_window_exceeded' });
    expect(gw.mock.requests.length - before).toBe(1);
  });

  it('refuses the paid fallback of a native Anthropic request too, in Anthropic\'s error shape', async () => {
    const app = await generate({ key_alias: 'claude-local-only', models: ['local'] });
    const before = gw.mock.requests.length;
    const client = new Anthropic({ baseURL: gw.url(), apiKey: app.key, maxRetries: 0 });
    const failure = await client.messages.create({ model: 'local', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Anthropic.APIError);
    expect((failure as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { message: expect.stringContaining('this key may not use them') } });
    expect(gw.mock.requests.length - before).toBe(0);
  });
});

describe('the reservation covers the deployment actually called (S38)', () => {
  it('holds the paid fallback\'s worst case when the zero-priced first choice fails, then charges what it cost', async () => {
    const app = await generate({ key_alias: 'local-then-premium', models: ['local', 'premium'], max_budget: 1 });
    const held = holdUntilReleased({ prompt: PROMPT_TOKENS, completion: 500 - PROMPT_TOKENS });
    gw.mock.setDefault(held.behaviour);
    const call = outcome(gw.openai(app.key).chat.completions.create(ask('local', { max_tokens: MAX_TOKENS })).withResponse());
    await held.waitForArrivals(1);
    // In flight on premium: its $0.30 worst case is held (a free first choice reserved nothing).
    expect(keyBudget(app.id)).toEqual({ spend: 0, reserved: 300_000 });
    held.release();
    const served = await call;
    expect(served.ok).toBe(true);
    gw.usageRows();
    expect(keyBudget(app.id)).toEqual({ spend: 150_000, reserved: 0 });
  });

  it('refuses with the budget error, before calling it, a paid fallback the budget cannot cover after a free first choice failed', async () => {
    const app = await generate({ key_alias: 'local-then-premium-poor', models: ['local', 'premium'], max_budget: 0.1 });
    gw.mock.setDefault({ kind: 'ok', usage: { prompt: PROMPT_TOKENS, completion: MAX_TOKENS } });
    const before = gw.mock.requests.length;
    const error = refusal(await outcome(gw.openai(app.key).chat.completions.create(ask('local', { max_tokens: MAX_TOKENS })).withResponse()));
    expect(gw.mock.requests.length - before).toBe(0);
    expect(error.status).toBe(429);
    expect(error.error).toMatchObject({ type: 'budget_exceeded', code: 'budget_exceeded' });
    const message = (error.error as { message: string }).message;
    expect(message).toMatch(/^Budget exceeded for local-then-premium-poor: this request may cost up to \$0\.30 at [\d,]+ output tokens; local-then-premium-poor has \$0\.10 left of its \$0\.10 budget; /);
    expect(message).toMatch(/premium/);
    expect(message).toMatch(/connection refused/);
    const [row] = gw.usageRows('key_id = ?', app.id);
    expect(row).toMatchObject({ status: 'rejected', http_status: 429, error_code: 'budget_exceeded', cost_micros: 0 });
    expect(keyBudget(app.id)).toEqual({ spend: 0, reserved: 0 });
  });

  it('tops the reservation up when a fallback is pricier than the first choice, or refuses the fallback', async () => {
    // cheap's worst case is about $0.002; premium's $0.30.
    const rich = await generate({ key_alias: 'cheap-then-premium', models: ['cheap', 'premium'], max_budget: 1 });
    const held = holdUntilReleased({ prompt: PROMPT_TOKENS, completion: 500 - PROMPT_TOKENS });
    gw.mock.setDefault(held.behaviour);
    gw.mock.script({ kind: 'status', status: 500 });
    const call = outcome(gw.openai(rich.key).chat.completions.create(ask('cheap', { max_tokens: MAX_TOKENS })).withResponse());
    await held.waitForArrivals(1);
    expect(keyBudget(rich.id)).toEqual({ spend: 0, reserved: 300_000 });
    held.release();
    expect((await call).ok).toBe(true);
    gw.usageRows();
    expect(keyBudget(rich.id)).toEqual({ spend: 150_000, reserved: 0 });

    const poor = await generate({ key_alias: 'cheap-then-premium-poor', models: ['cheap', 'premium'], max_budget: 0.1 });
    gw.mock.setDefault({ kind: 'ok', usage: { prompt: PROMPT_TOKENS, completion: MAX_TOKENS } });
    gw.mock.script({ kind: 'status', status: 500 });
    const before = gw.mock.requests.length;
    const error = refusal(await outcome(gw.openai(poor.key).chat.completions.create(ask('cheap', { max_tokens: MAX_TOKENS })).withResponse()));
    expect(upstreamModels(before)).toEqual(['acme-small']);
    expect(error.error).toMatchObject({ code: 'budget_exceeded' });
    gw.usageRows();
    expect(keyBudget(poor.id)).toEqual({ spend: 0, reserved: 0 });
  });
});

describe('a fallback the budget cannot cover is skipped like a failed attempt (S38)', () => {
  it('moves on to the next fallback it can cover, which serves and is charged', async () => {
    const app = await generate({ key_alias: 'cheap-premium-big', models: ['cheap', 'premium', 'big'], max_budget: 0.1 });
    gw.mock.setDefault({ kind: 'ok', usage: { prompt: PROMPT_TOKENS, completion: 100 } });
    gw.mock.script({ kind: 'status', status: 500 });
    const before = gw.mock.requests.length;
    const served = await outcome(gw.openai(app.key).chat.completions.create(ask('cheap', { max_tokens: MAX_TOKENS })).withResponse());
    expect(served.ok).toBe(true);
    // premium ($0.30 worst case) was never called.
    expect(upstreamModels(before)).toEqual(['acme-small', 'acme-long']);
    if (served.ok) expect(served.headers.get('x-litellm-model-group')).toBe('big');
    gw.usageRows();
    expect(keyBudget(app.id)).toEqual({ spend: PROMPT_TOKENS * 1 + 100 * 2, reserved: 0 });
  });
});

describe('the reservation counts every choice a request can produce (S37)', () => {
  it('refuses n: 128 with max_tokens: 9 on a $0.001 budget instead of charging 2.3 times the budget', async () => {
    const app = await generate({ key_alias: 'many-choices', models: ['cheap'], max_budget: 0.001 });
    // What OpenAI bills for 128 choices of 9 tokens: 1,152 completion tokens.
    gw.mock.setDefault({ kind: 'ok', usage: { prompt: PROMPT_TOKENS, completion: 128 * 9 } });
    const before = gw.mock.requests.length;
    const error = refusal(await outcome(gw.openai(app.key).chat.completions.create(ask('cheap', { n: 128, max_tokens: 9 })).withResponse()));
    expect(gw.mock.requests.length - before).toBe(0);
    expect(error.status).toBe(429);
    expect(error.error).toMatchObject({ code: 'budget_exceeded' });
    expect((error.error as { message: string }).message).toContain('128 choices');
    gw.usageRows();
    expect(keyBudget(app.id)).toEqual({ spend: 0, reserved: 0 });
  });

  it('never lets quick concurrent requests with n > 1 spend past the budget', async () => {
    // Each request: 4 choices of up to 100 tokens at $2 per million = $0.0008 of output, plus the prompt.
    const app = await generate({ key_alias: 'concurrent-choices', models: ['cheap'], max_budget: 0.003 });
    gw.mock.setDefault({ kind: 'ok', usage: { prompt: PROMPT_TOKENS, completion: 400 } });
    const client = gw.openai(app.key);
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => outcome(client.chat.completions.create(ask('cheap', { n: 4, max_tokens: 100 })).withResponse())));
    const perRequest = PROMPT_TOKENS * 1 + 400 * 2;
    const admitted = outcomes.filter((o) => o.ok).length;
    expect(admitted).toBe(Math.floor(3000 / perRequest));
    gw.usageRows();
    const { spend, reserved } = keyBudget(app.id);
    expect(reserved).toBe(0);
    expect(spend).toBe(admitted * perRequest);
    expect(spend).toBeLessThanOrEqual(3000);
  });
});

describe('a reservation on a busy database (S30, issue 11 item 3)', () => {
  it('answers 503 storage_busy with Retry-After and gives the parallel slot back, so the key is admitted again', async () => {
    const app = await generate({ key_alias: 'busy-db-app', models: ['cheap'], max_budget: 1, max_parallel_requests: 1 });
    const gatewayDb = gw.running().db.db;
    // Another connection holds the write lock; ours gives up at once instead of after 5 s.
    const previousTimeout = gatewayDb.pragma('busy_timeout', { simple: true }) as number;
    gatewayDb.pragma('busy_timeout = 0');
    const other = new Database(join(gw.dataDir, DATABASE_FILE));
    try {
      other.exec('BEGIN IMMEDIATE');
      const busy = refusal(await outcome(gw.openai(app.key).chat.completions.create(ask('cheap', { max_tokens: 10 })).withResponse()));
      expect(busy.status).toBe(503);
      expect(busy.error).toMatchObject({ code: 'storage_busy' });
      expect(busy.headers?.get('retry-after')).toBe('1');
      other.exec('COMMIT');
    } finally {
      if (other.inTransaction) other.exec('ROLLBACK');
      other.close();
      gatewayDb.pragma(`busy_timeout = ${previousTimeout}`);
    }
    const again = await outcome(gw.openai(app.key).chat.completions.create(ask('cheap', { max_tokens: 10 })).withResponse());
    expect(again.ok).toBe(true);
    const rows = gw.usageRows('key_id = ?', app.id);
    expect(rows.map((r) => [r.http_status, r.error_code])).toEqual([[503, 'storage_busy'], [200, null]]);
    expect(keyBudget(app.id).reserved).toBe(0);
  });
});
