// The usage ledger through the real HTTP path (startGateway, the openai SDK and hand-driven
// clients): exactly one row per request id on every path (S29) — success, upstream error, client
// disconnect mid-stream, before the first token and during a JSON request (S24), stall — with the
// right status, usage taken from the upstream on streams (include_usage injected upstream, the
// extra chunk stripped when the client did not ask), partial output estimated and marked when the
// upstream gave none, reservations settled; master-key requests attributed to the app guessed from
// the User-Agent; /spend/logs and /usage/summary see rows still queued; a clean stop loses none.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { estimatePromptTokens } from '../../main/core/estimate-tokens.js';
import { parseSseText } from '../support/mock-upstream.js';
import { readClientSse } from '../support/fault-harness.js';
import { sendToGateway } from '../support/send-to-gateway.js';
import { MASTER_KEY, eventually, startMeteredGateway, type MeteredGateway, type UsageLogRow } from './metered-gateway.js';

const MINUTE = 60_000;
const MESSAGES = [{ role: 'user' as const, content: 'Write a haiku about ledgers.' }];
/** cheap: $1 in, $2 out per million tokens = 1 and 2 micro-USD a token. */
const PROMPT_ESTIMATE = estimatePromptTokens({ messages: MESSAGES });
const cheapCost = (prompt: number, completion: number) => prompt * 1 + completion * 2;

let gw: MeteredGateway;
let app: { key: string; id: string };

beforeAll(async () => {
  gw = await startMeteredGateway();
  // A budget, so every path also has a reservation to settle or release.
  const created = await gw.api('POST', '/key/generate', { key_alias: 'ledger-app', max_budget: 100 });
  app = { key: created.json.key, id: created.json.token };
});
afterAll(async () => {
  await gw?.close();
});
beforeEach(() => {
  gw.mock.setDefault({ kind: 'ok' });
  gw.clock.advance(MINUTE);
});

const rowsOf = (requestId: string): UsageLogRow[] => gw.usageRows('request_id = ?', requestId);
const allIds = (): Set<string> => new Set(gw.usageRows().map((r) => r.request_id));

/** The single row a request left, once the gateway has written it. */
async function theRowOf(requestId: string): Promise<UsageLogRow> {
  const rows = await eventually(() => {
    const found = rowsOf(requestId);
    return found.length > 0 && found;
  }, `the usage row of ${requestId}`);
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

/** The one row that appeared since `before` (for requests whose client never saw a request id). */
async function theNewRow(before: Set<string>): Promise<UsageLogRow> {
  const rows = await eventually(() => {
    const added = gw.usageRows().filter((r) => !before.has(r.request_id));
    return added.length > 0 && added;
  }, 'a new usage row');
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

/** Nothing is held against the key's budget any more: the request was settled or released. */
function expectSettled(): void {
  expect(gw.running().keys.info(app.id)!.reservedMicros).toBe(0);
}

const chat = (extra: Record<string, unknown> = {}) => sendToGateway(gw.port(), '/v1/chat/completions', { model: 'cheap', messages: MESSAGES, ...extra }, { key: app.key });

describe('usage ledger: one row per request on the success paths', () => {
  it('records a JSON answer once, with the upstream\'s tokens, its cost and the app', async () => {
    const { response } = await gw.openai(app.key).chat.completions.create({ model: 'cheap', messages: MESSAGES }).withResponse();
    const row = await theRowOf(response.headers.get('x-request-id')!);
    expect(row).toMatchObject({
      status: 'success', http_status: 200, error_code: null, key_id: app.id, key_alias: 'ledger-app', app: 'ledger-app',
      requested_model: 'cheap', model_group: 'cheap', provider: 'openai',
      prompt_tokens: 10, completion_tokens: 4, cost_micros: cheapCost(10, 4), usage_estimated: 0, ttft_ms: null,
    });
    expect(row.user_agent).toMatch(/^OpenAI\/JS /);
    expectSettled();
  });

  it('asks the upstream for usage on a stream, strips the usage chunk the client did not ask for, and records the upstream\'s tokens', async () => {
    const exchange = chat({ stream: true });
    const head = await exchange.head;
    const text = await exchange.done;
    const upstream = gw.mock.requests.at(-1)!;
    expect(upstream.json).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    // The upstream did send its usage chunk (choices: []); the client gets none.
    const events = parseSseText(text) as any[];
    expect(events.at(-1)).toBe('[DONE]');
    expect(events.filter((e) => typeof e === 'object' && (e.choices?.length === 0 || (e.usage !== undefined && e.usage !== null)))).toEqual([]);
    expect(readClientSse(text).content).toBe('Hello, world!');

    const row = await theRowOf(String(head.headers['x-request-id']));
    expect(row).toMatchObject({ status: 'success', prompt_tokens: 10, completion_tokens: 4, cost_micros: cheapCost(10, 4), usage_estimated: 0 });
    expect(row.ttft_ms).not.toBeNull();
    expectSettled();
  });

  it('relays the usage chunk to an SDK client that asked for it, and records the same numbers', async () => {
    const { data: stream, response } = await gw.openai(app.key).chat.completions
      .create({ model: 'cheap', messages: MESSAGES, stream: true, stream_options: { include_usage: true } })
      .withResponse();
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    expect(usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 4, total_tokens: 14 });
    const row = await theRowOf(response.headers.get('x-request-id')!);
    expect(row).toMatchObject({ prompt_tokens: 10, completion_tokens: 4, usage_estimated: 0 });
  });

  it('estimates a stream the upstream sent no usage for, and marks the row estimated', async () => {
    gw.mock.script({ kind: 'ok', chunks: ['Ledger ', 'lines ', 'balance'], usage: null });
    const exchange = chat({ stream: true });
    const head = await exchange.head;
    expect(readClientSse(await exchange.done).content).toBe('Ledger lines balance');
    const row = await theRowOf(String(head.headers['x-request-id']));
    const completion = Math.ceil('Ledger lines balance'.length / 4);
    expect(row).toMatchObject({
      status: 'success', usage_estimated: 1, prompt_tokens: PROMPT_ESTIMATE, completion_tokens: completion, cost_micros: cheapCost(PROMPT_ESTIMATE, completion),
    });
  });
});

describe('usage ledger: one row per request on the failure paths (S24, S29)', () => {
  it('records an upstream error once as upstream_error, at no cost', async () => {
    gw.mock.script({ kind: 'status', status: 500 });
    let requestId: string | null | undefined;
    try {
      await gw.openai(app.key).chat.completions.create({ model: 'cheap', messages: MESSAGES });
      expect.unreachable('the upstream failed');
    } catch (error) {
      expect(error).toBeInstanceOf(OpenAI.APIError);
      requestId = (error as InstanceType<typeof OpenAI.APIError>).requestID;
      expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(502);
    }
    const row = await theRowOf(requestId!);
    expect(row).toMatchObject({ status: 'upstream_error', http_status: 502, error_code: 'upstream_error', prompt_tokens: 0, completion_tokens: 0, cost_micros: 0, usage_estimated: 0 });
    expectSettled();
  });

  it('records an error event mid-stream once as upstream_error, with the streamed part estimated', async () => {
    gw.mock.script({ kind: 'in-band-error' });
    const exchange = chat({ stream: true });
    const head = await exchange.head;
    const sse = readClientSse(await exchange.done);
    expect(sse.errors).toHaveLength(1);
    expect(sse.endsWithDone).toBe(true);
    const row = await theRowOf(String(head.headers['x-request-id']));
    // Two frames went out before the error: the role and 'Hello' (5 characters, 2 tokens).
    expect(row).toMatchObject({ status: 'upstream_error', usage_estimated: 1, prompt_tokens: PROMPT_ESTIMATE, completion_tokens: 2, cost_micros: cheapCost(PROMPT_ESTIMATE, 2) });
    expectSettled();
  });

  it('records a client that disconnects mid-stream once as client_aborted, with the partial output estimated (S24a)', async () => {
    gw.mock.script({ kind: 'stall-after-n-chunks', n: 3 });
    const upstreamIndex = gw.mock.requests.length;
    const exchange = chat({ stream: true });
    const head = await exchange.head;
    await exchange.waitFor((text) => readClientSse(text).content === 'Hello,');
    exchange.disconnect();
    // The gateway cancels its upstream request when its client goes away.
    await gw.mock.waitForClientClose(upstreamIndex);
    expect(gw.mock.requests[upstreamIndex]!.aborted).toBe(true);

    const row = await theRowOf(String(head.headers['x-request-id']));
    const completion = Math.ceil('Hello,'.length / 4);
    expect(row).toMatchObject({
      status: 'client_aborted', error_code: 'client_closed', usage_estimated: 1,
      prompt_tokens: PROMPT_ESTIMATE, completion_tokens: completion, cost_micros: cheapCost(PROMPT_ESTIMATE, completion),
    });
    expect(row.ttft_ms).not.toBeNull();
    expectSettled();
  });

  it('records a client that disconnects after the stream opened but before the first token once as client_aborted (S24b)', async () => {
    gw.mock.script({ kind: 'stall-after-n-chunks', n: 1 }); // the role chunk only: no content
    const upstreamIndex = gw.mock.requests.length;
    const exchange = chat({ stream: true });
    const head = await exchange.head;
    exchange.disconnect();
    await gw.mock.waitForClientClose(upstreamIndex);
    const row = await theRowOf(String(head.headers['x-request-id']));
    expect(row).toMatchObject({ status: 'client_aborted', prompt_tokens: 0, completion_tokens: 0, cost_micros: 0, usage_estimated: 0, ttft_ms: null });
    expectSettled();
  });

  it.each([
    ['a stream, before the upstream answered (S24b)', true],
    ['a JSON request (S24c)', false],
  ])('records a client that disconnects during %s once as client_aborted', async (_name, stream) => {
    gw.mock.script({ kind: 'hang-before-headers' });
    const before = allIds();
    const upstreamIndex = gw.mock.requests.length;
    const exchange = chat({ stream });
    await gw.mock.waitForRequests(upstreamIndex + 1);
    exchange.disconnect();
    await gw.mock.waitForClientClose(upstreamIndex);
    const row = await theNewRow(before);
    expect(row).toMatchObject({ status: 'client_aborted', key_id: app.id, prompt_tokens: 0, completion_tokens: 0, cost_micros: 0, ttft_ms: null });
    expectSettled();
  });

  it('records a stream the upstream stopped sending once as upstream_stalled, with the partial output estimated', async () => {
    gw.mock.script({ kind: 'stall-after-n-chunks', n: 3 });
    const exchange = sendToGateway(gw.port(), '/v1/chat/completions', { model: 'stalling', messages: MESSAGES, stream: true }, { key: app.key });
    const head = await exchange.head;
    const sse = readClientSse(await exchange.done);
    expect(sse.content).toBe('Hello,');
    expect(sse.errors.map((e) => e.code)).toEqual(['upstream_stalled']);
    expect(sse.endsWithDone).toBe(true);
    const row = await theRowOf(String(head.headers['x-request-id']));
    const completion = Math.ceil('Hello,'.length / 4);
    expect(row).toMatchObject({
      status: 'upstream_stalled', error_code: 'upstream_stalled', usage_estimated: 1, model_group: 'stalling',
      prompt_tokens: PROMPT_ESTIMATE, completion_tokens: completion, cost_micros: cheapCost(PROMPT_ESTIMATE, completion),
    });
    expectSettled();
  });

  it('records an upstream that never answers once as upstream_error (timeout), at no cost', async () => {
    gw.mock.script({ kind: 'hang-before-headers' });
    const response = await gw.api('POST', '/v1/chat/completions', { model: 'stalling', messages: MESSAGES }, app.key);
    expect(response.status).toBe(504);
    const row = await theRowOf(response.headers.get('x-request-id')!);
    expect(row).toMatchObject({ status: 'upstream_error', error_code: 'upstream_timeout', http_status: 504, cost_micros: 0 });
    expectSettled();
  });

  it('records a stream cut short without usage once as upstream_error, with the partial output estimated', async () => {
    gw.mock.script({ kind: 'truncate-after-n-chunks', n: 2 });
    const exchange = chat({ stream: true });
    const head = await exchange.head;
    expect(readClientSse(await exchange.done).errors).toHaveLength(1);
    const row = await theRowOf(String(head.headers['x-request-id']));
    expect(row).toMatchObject({ status: 'upstream_error', usage_estimated: 1, completion_tokens: 2 });
  });

  it('still holds exactly one row per request after every path, and the key\'s spend is the sum of its rows', async () => {
    const rows = gw.usageRows('key_id = ?', app.id);
    expect(new Set(rows.map((r) => r.request_id)).size).toBe(rows.length);
    expect(rows.length).toBeGreaterThanOrEqual(13);
    // No path tried to record a request twice (a second row would only be dropped by the unique key).
    expect(gw.running().usage.stats().duplicates).toBe(0);
    const spent = rows.reduce((sum, r) => sum + r.cost_micros, 0);
    expect(gw.running().keys.info(app.id)!.spendMicros).toBe(spent);
    expectSettled();
  });
});

describe('attribution without keys: master-key requests by User-Agent', () => {
  it('attributes the openai SDK to openai-js, curl to curl, and a request with no User-Agent to unknown', async () => {
    const sdk = await gw.openai(MASTER_KEY).chat.completions.create({ model: 'local', messages: MESSAGES }).withResponse();
    const curl = await fetch(`${gw.url()}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MASTER_KEY}`, 'content-type': 'application/json', 'user-agent': 'curl/8.5.0' },
      body: JSON.stringify({ model: 'local', messages: MESSAGES }),
    });
    const anonymous = sendToGateway(gw.port(), '/v1/chat/completions', { model: 'local', messages: MESSAGES }, { key: MASTER_KEY });
    const anonymousId = String((await anonymous.head).headers['x-request-id']);
    await anonymous.done;

    expect(await theRowOf(sdk.response.headers.get('x-request-id')!)).toMatchObject({ app: 'openai-js', key_id: null, key_alias: null });
    expect(await theRowOf(curl.headers.get('x-request-id')!)).toMatchObject({ app: 'curl', key_id: null, user_agent: 'curl/8.5.0' });
    expect(await theRowOf(anonymousId)).toMatchObject({ app: 'unknown', key_id: null, user_agent: null });

    const summary = await gw.api('GET', `/usage/summary?group_by=app&start=0&end=${gw.clock.now() + 1}`);
    const apps = summary.json.groups.map((g: any) => g.group);
    expect(apps).toEqual(expect.arrayContaining(['openai-js', 'curl', 'unknown', 'ledger-app']));
  });
});

describe('reading the ledger while rows are still queued, and stopping', () => {
  it('shows a request answered a moment ago in /spend/logs: it writes queued rows before reading', async () => {
    const { response } = await gw.openai(app.key).chat.completions.create({ model: 'cheap', messages: MESSAGES }).withResponse();
    const requestId = response.headers.get('x-request-id')!;
    expect(gw.running().usage.pending()).toBeGreaterThan(0);
    const logs = await gw.api('GET', `/spend/logs?api_key=${app.id}&page_size=1`);
    expect(logs.json.data[0]).toMatchObject({ request_id: requestId, spend_micros: cheapCost(10, 4), spend: 0.000018, status: 'success' });
  });

  it('counts a request answered a moment ago in /usage/summary with its default range (the last 7 days up to now)', async () => {
    const before = (await gw.api('GET', '/usage/summary?group_by=key')).json;
    await gw.openai(app.key).chat.completions.create({ model: 'cheap', messages: MESSAGES });
    expect(gw.running().usage.pending()).toBeGreaterThan(0);
    const after = (await gw.api('GET', '/usage/summary?group_by=key')).json;
    const mine = (summary: any) => summary.groups.find((g: any) => g.group === app.id) ?? { requests: 0, spend_micros: 0 };
    expect(mine(after).requests).toBe(mine(before).requests + 1);
    expect(mine(after).spend_micros).toBe(mine(before).spend_micros + cheapCost(10, 4));
  });

  it('writes every queued row on a clean stop: none is lost across a restart', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { response } = await gw.openai(app.key).chat.completions.create({ model: 'cheap', messages: MESSAGES }).withResponse();
      ids.push(response.headers.get('x-request-id')!);
    }
    expect(gw.running().usage.pending()).toBeGreaterThanOrEqual(3);
    await gw.restart();
    const logs = await gw.api('GET', `/spend/logs?api_key=${app.id}&page_size=3`);
    expect(logs.json.data.map((r: any) => r.request_id).sort()).toEqual([...ids].sort());
    for (const id of ids) expect(rowsOf(id)).toHaveLength(1);
  });
});
