// Usage and cost for Claude and Gemini deployments, through the whole gateway as the CLI runs it
// (startGateway: SQLite in a temp data directory, the ledger meter, the shipped price table), with
// the official SDKs as clients and the loopback Anthropic- and Gemini-format mocks as upstreams.
// Each request must leave exactly one usage row whose cached tokens are priced at the cache-read
// rate (and Anthropic cache writes at the cache-write rate): cost = computeCostMicros(table price).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../main/config/load-config.js';
import { startGateway, type RunningGateway } from '../../main/start-gateway.js';
import { computeCostMicros } from '../../main/metering/compute-cost.js';
import { createPriceTable, type Price } from '../../main/metering/price-table.js';
import type { TokenUsage } from '../../main/providers/provider-adapter.js';
import { ANTHROPIC_MOCK_KEY, anthropicFixture, createMockAnthropicUpstream, type MockAnthropicUpstream } from '../support/mock-anthropic-upstream.js';
import { GEMINI_MOCK_KEY, createMockGeminiUpstream, geminiFixture, type MockGeminiUpstream } from '../support/mock-gemini-upstream.js';

const MASTER = 'sk-master-usage-cost-0123456789';

let anthropic: MockAnthropicUpstream;
let gemini: MockGeminiUpstream;
let running: RunningGateway;
let dataDir: string;

beforeAll(async () => {
  anthropic = await createMockAnthropicUpstream();
  gemini = await createMockGeminiUpstream();
  dataDir = mkdtempSync(join(tmpdir(), 'switchboard-usage-'));
  const yaml = `model_list:
  - model_name: claude-sonnet-4-5
    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${anthropic.url}", api_key: "${ANTHROPIC_MOCK_KEY}" }
  - model_name: gemini-flash
    litellm_params: { model: gemini/gemini-2.5-flash, api_base: "${gemini.url}", api_key: "${GEMINI_MOCK_KEY}" }
router_settings: { num_retries: 0, cooldown_time: 0 }
`;
  running = await startGateway(
    { configFile: undefined, dataDir, host: '127.0.0.1', port: 0, masterKey: MASTER, env: {}, log: pino({ level: 'silent' }) },
    parseConfigText(yaml, 'usage-test.yaml', {}),
  );
});
afterAll(async () => {
  await running?.close();
  await anthropic?.close();
  await gemini?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

interface UsageRow {
  request_id: string;
  requested_model: string;
  provider: string;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  cache_creation_tokens: number;
  reasoning_tokens: number;
  cost_micros: number;
  status: string;
  usage_estimated: number;
  endpoint: string;
}

/** Rows written since `before` (the ledger is flushed first), in insertion order. */
function rowsSince(before: number): UsageRow[] {
  running.usage.flush();
  return running.db.db.prepare('SELECT * FROM usage_log ORDER BY rowid LIMIT -1 OFFSET ?').all(before) as UsageRow[];
}

function rowCount(): number {
  running.usage.flush();
  return (running.db.db.prepare('SELECT COUNT(*) AS n FROM usage_log').get() as { n: number }).n;
}

function tablePrice(provider: string, model: string): Price {
  const price = createPriceTable().resolvePrice({ provider, model });
  if (!price) throw new Error(`no table price for ${provider}/${model}`);
  return price;
}

function usage(u: Partial<TokenUsage>): TokenUsage {
  return { promptTokens: 0, completionTokens: 0, cachedTokens: 0, cacheCreationTokens: 0, reasoningTokens: 0, ...u };
}

/** The one row a request left, checked against the expected tokens and the table price. */
async function expectOneRow(before: number, expected: TokenUsage, price: Price, micros: number): Promise<UsageRow> {
  const rows = rowsSince(before);
  expect(rows).toHaveLength(1);
  const row = rows[0]!;
  expect(row.status).toBe('success');
  expect(row.usage_estimated).toBe(0);
  expect({
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    cachedTokens: row.cached_tokens,
    cacheCreationTokens: row.cache_creation_tokens,
    reasoningTokens: row.reasoning_tokens,
  }).toEqual(expected);
  expect(row.cost_micros).toBe(computeCostMicros(price, expected));
  // And by hand, so a wrong table or rule cannot hide behind computeCostMicros itself.
  expect(row.cost_micros).toBe(micros);
  // Cached tokens really were cheaper than plain input.
  const undiscounted = computeCostMicros(price, { ...expected, cachedTokens: 0, cacheCreationTokens: 0 });
  if (expected.cachedTokens > 0) expect(row.cost_micros).toBeLessThan(undiscounted);
  return row;
}

describe('usage and cost for an anthropic/claude-sonnet-4-5 deployment', () => {
  const claude = () => tablePrice('anthropic', 'claude-sonnet-4-5');
  const sdk = () => new Anthropic({ baseURL: running.url, apiKey: MASTER, maxRetries: 0 });

  it('prices the table row as expected ($3 in, $15 out, $0.30 cache read, $3.75 cache write per million)', () => {
    expect(claude().rates).toMatchObject({ input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 });
  });

  it('records a native /v1/messages answer with cache reads and writes at their own rates', async () => {
    const before = rowCount();
    anthropic.script({ kind: 'message', usage: { input_tokens: 500, cache_read_input_tokens: 2048, cache_creation_input_tokens: 100, output_tokens: 300 } });
    await sdk().messages.create({ model: 'claude-sonnet-4-5', max_tokens: 1000, messages: [{ role: 'user', content: 'hi' }] });
    // 500 x 3 + 2048 x 0.3 + 100 x 3.75 + 300 x 15 = 6989.4 micro-USD
    const row = await expectOneRow(before, usage({ promptTokens: 2648, completionTokens: 300, cachedTokens: 2048, cacheCreationTokens: 100 }), claude(), 6989);
    expect(row).toMatchObject({ provider: 'anthropic', requested_model: 'claude-sonnet-4-5', endpoint: '/v1/messages' });
  });

  it('records a native /v1/messages stream from message_start and message_delta usage', async () => {
    const before = rowCount();
    anthropic.script({ kind: 'sse', text: anthropicFixture('tool-call-split-over-many-deltas.sse') });
    await sdk().messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 1000, messages: [{ role: 'user', content: 'weather?' }] }).finalMessage();
    // 472 x 3 + 2048 x 0.3 + 100 x 3.75 + 89 x 15 = 3740.4 micro-USD
    await expectOneRow(before, usage({ promptTokens: 2620, completionTokens: 89, cachedTokens: 2048, cacheCreationTokens: 100 }), claude(), 3740);
  });

  it('records an OpenAI-SDK chat completion streamed from Claude with cached prompt tokens', async () => {
    const before = rowCount();
    anthropic.script({ kind: 'message', usage: { input_tokens: 1000, cache_read_input_tokens: 4000, output_tokens: 50 } });
    const openai = new OpenAI({ apiKey: MASTER, baseURL: `${running.url}/v1`, maxRetries: 0 });
    const stream = await openai.chat.completions.create({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }], stream: true });
    for await (const _chunk of stream) {
      // drain
    }
    // 1000 x 3 + 4000 x 0.3 + 50 x 15 = 4950 micro-USD
    const row = await expectOneRow(before, usage({ promptTokens: 5000, completionTokens: 50, cachedTokens: 4000 }), claude(), 4950);
    expect(row.endpoint).toBe('/v1/chat/completions');
  });
});

describe('usage and cost for a gemini/gemini-2.5-flash deployment', () => {
  const flash = () => tablePrice('gemini', 'gemini-2.5-flash');
  const openai = () => new OpenAI({ apiKey: MASTER, baseURL: `${running.url}/v1`, maxRetries: 0 });

  it('prices the table row as expected ($0.30 in, $2.50 out, $0.03 cache read per million)', () => {
    expect(flash().rates).toMatchObject({ input: 0.3, output: 2.5, cacheRead: 0.03 });
  });

  it('records a chat completion with cached content and thinking tokens', async () => {
    const before = rowCount();
    gemini.script({ kind: 'response', usage: { prompt: 1200, candidates: 12, cached: 1024, thoughts: 100 } });
    await openai().chat.completions.create({ model: 'gemini-flash', messages: [{ role: 'user', content: 'hi' }] });
    // (1200 - 1024) x 0.3 + 1024 x 0.03 + (12 + 100) x 2.5 = 363.52 micro-USD
    const row = await expectOneRow(before, usage({ promptTokens: 1200, completionTokens: 112, cachedTokens: 1024, reasoningTokens: 100 }), flash(), 364);
    expect(row.provider).toBe('gemini');
  });

  it('records a stream from the last usageMetadata', async () => {
    const before = rowCount();
    gemini.script({ kind: 'sse', text: geminiFixture('text-with-cached-prompt.sse') });
    const stream = await openai().chat.completions.create({ model: 'gemini-flash', messages: [{ role: 'user', content: 'hi' }], stream: true });
    for await (const _chunk of stream) {
      // drain
    }
    // 176 x 0.3 + 1024 x 0.03 + 12 x 2.5 = 113.52 micro-USD
    await expectOneRow(before, usage({ promptTokens: 1200, completionTokens: 12, cachedTokens: 1024 }), flash(), 114);
  });

  it('records a Claude-style /v1/messages request answered by Gemini', async () => {
    const before = rowCount();
    gemini.script({ kind: 'response', usage: { prompt: 2000, candidates: 40, cached: 1500 } });
    const sdk = new Anthropic({ baseURL: running.url, apiKey: MASTER, maxRetries: 0 });
    const message = await sdk.messages.stream({ model: 'gemini-flash', max_tokens: 200, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    expect(message.usage).toMatchObject({ input_tokens: 500, cache_read_input_tokens: 1500, output_tokens: 40 });
    // 500 x 0.3 + 1500 x 0.03 + 40 x 2.5 = 295 micro-USD
    const row = await expectOneRow(before, usage({ promptTokens: 2000, completionTokens: 40, cachedTokens: 1500 }), flash(), 295);
    expect(row.endpoint).toBe('/v1/messages');
  });
});
