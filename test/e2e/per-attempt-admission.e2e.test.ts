// Admission through the real gateway (startGateway, the ledger meter on a real SQLite file, the
// official openai SDK as client, loopback upstreams only):
// S37 — the reservation counts every choice (`n`) a request can produce;
// S30 — a reservation that fails on a busy database answers 503 storage_busy and gives the
// key's parallel slot back.
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { estimatePromptTokens } from '../../main/core/estimate-tokens.js';
import { DATABASE_FILE } from '../../main/start-gateway.js';
import { refusedPort } from '../support/refused-port.js';
import { startMeteredGateway, type MeteredGateway } from './metered-gateway.js';

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

async function generate(fields: Record<string, unknown>): Promise<{ key: string; id: string }> {
  const response = await gw.api('POST', '/key/generate', fields);
  expect(response.status, response.text).toBe(200);
  return { key: response.json.key, id: response.json.token };
}

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

const PROMPT_TOKENS = estimatePromptTokens(ask('local'));

function keyBudget(id: string): { spend: number; reserved: number } {
  const record = gw.running().keys.info(id)!;
  return { spend: record.spendMicros, reserved: record.reservedMicros };
}

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
