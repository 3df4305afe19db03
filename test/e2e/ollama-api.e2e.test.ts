// The Ollama-compatible inference API through the whole gateway as the CLI runs it (startGateway:
// SQLite, the ledger meter, keys), with the official `ollama` npm client as the client, against the
// loopback OpenAI-format chat mock, the Anthropic mock and the Ollama-native mock. Every request
// leaves exactly one usage row named after the path it called.
import { Ollama, type ChatResponse, type Message } from 'ollama';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ANTHROPIC_MOCK_KEY, createMockAnthropicUpstream, type MockAnthropicUpstream } from '../support/mock-anthropic-upstream.js';
import { SPLIT_UTF8_CONTENT } from '../support/mock-upstream.js';
import { sendToGateway } from '../support/send-to-gateway.js';
import { MASTER_KEY, eventually, startMeteredGateway, type MeteredGateway, type UsageLogRow } from './metered-gateway.js';

let gw: MeteredGateway;
let anthropic: MockAnthropicUpstream;

beforeAll(async () => {
  anthropic = await createMockAnthropicUpstream();
  gw = await startMeteredGateway({
    models: (mockUrl) => `model_list:
  - model_name: local-coder
    litellm_params: { model: hosted_vllm/qwen3-coder, api_base: "${mockUrl}/v1" }
    model_info: { input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 }
  - model_name: "qwen3:8b"
    litellm_params: { model: hosted_vllm/qwen3-8b, api_base: "${mockUrl}/v1" }
  - model_name: ollama-native
    litellm_params: { model: ollama_chat/llama3.2, api_base: "${mockUrl}" }
  - model_name: claude
    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${anthropic.url}", api_key: "${ANTHROPIC_MOCK_KEY}" }
router_settings: { num_retries: 0, cooldown_time: 0 }
`,
  });
});
afterAll(async () => {
  await gw?.close();
  await anthropic?.close();
});
beforeEach(() => {
  gw.mock.setDefault({ kind: 'ok' });
  anthropic.clearScript();
});

const client = (key = MASTER_KEY) => new Ollama({ host: gw.url(), headers: { Authorization: `Bearer ${key}` } });
type Row = UsageLogRow & { endpoint: string };

/** Rows for `endpoint` written after `before` rows existed: waits until `count` are there. */
async function newRows(endpoint: string, before: number, count = 1): Promise<Row[]> {
  const rows = await eventually(() => {
    const found = gw.usageRows('endpoint = ?', endpoint) as Row[];
    return found.length >= before + count && found;
  }, `${count} new usage row(s) for ${endpoint}`);
  expect(rows).toHaveLength(before + count);
  return rows.slice(before);
}
const rowCount = (endpoint: string) => gw.usageRows('endpoint = ?', endpoint).length;
const lastUpstream = () => gw.mock.requests.at(-1)!;

/** A raw streamed exchange: the NDJSON lines parsed, the head, and the request id. */
async function rawNdjson(path: string, body: Record<string, unknown>) {
  const exchange = sendToGateway(gw.port(), path, body, { key: MASTER_KEY });
  const head = await exchange.head;
  const text = await exchange.done;
  return { head, text, lines: text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, any>) };
}

describe('/api/chat against an OpenAI-format server', () => {
  it('answers chat() with one object: the whole message, done_reason, counts and integer nanosecond durations', async () => {
    const before = rowCount('/api/chat');
    const answer = await client().chat({ model: 'local-coder:latest', messages: [{ role: 'user', content: 'Say hello' }], options: { num_predict: 64, temperature: 0.2, num_ctx: 8192 } });
    expect(answer).toMatchObject({ model: 'local-coder:latest', message: { role: 'assistant', content: 'Hello, world!' }, done: true, done_reason: 'stop', prompt_eval_count: 10, eval_count: 4 });
    for (const field of ['total_duration', 'load_duration', 'prompt_eval_duration', 'eval_duration'] as const) expect(Number.isSafeInteger(answer[field])).toBe(true);
    expect(lastUpstream().json).toMatchObject({ model: 'qwen3-coder', messages: [{ role: 'user', content: 'Say hello' }], max_tokens: 64, temperature: 0.2 });
    expect(lastUpstream().json).not.toHaveProperty('num_ctx');
    const [row] = await newRows('/api/chat', before);
    expect(row).toMatchObject({ status: 'success', requested_model: 'local-coder', prompt_tokens: 10, completion_tokens: 4, cost_micros: 18 });
  });

  it('streams by default: NDJSON lines the client assembles, then one done line', async () => {
    const parts: ChatResponse[] = [];
    for await (const part of await client().chat({ model: 'local-coder', messages: [{ role: 'user', content: 'hi' }], stream: true })) parts.push(part);
    expect(parts.map((p) => p.message.content).join('')).toBe('Hello, world!');
    expect(parts.slice(0, -1).every((p) => !p.done)).toBe(true);
    expect(parts.at(-1)).toMatchObject({ done: true, done_reason: 'stop', message: { role: 'assistant', content: '' }, prompt_eval_count: 10, eval_count: 4, model: 'local-coder' });

    // A request without "stream" streams too (Ollama's default), as application/x-ndjson.
    const raw = await rawNdjson('/api/chat', { model: 'local-coder', messages: [{ role: 'user', content: 'hi' }] });
    expect(raw.head.headers['content-type']).toBe('application/x-ndjson');
    expect(raw.lines.at(-1)).toMatchObject({ done: true });
    expect(raw.lines.length).toBeGreaterThan(1);
  });

  it('matches an exact name with a tag (qwen3:8b) and 404s the same name without it', async () => {
    const answer = await client().chat({ model: 'qwen3:8b', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.message.content).toBe('Hello, world!');
    expect(lastUpstream().json).toMatchObject({ model: 'qwen3-8b' });
    await expect(client().chat({ model: 'qwen3', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status_code: 404 });
  });

  it('round-trips a tool call: arguments arrive as an object, the result goes back as a tool message answering the same id', async () => {
    gw.mock.script({ kind: 'ok', toolCalls: [{ id: 'call_upstream_1', name: 'get_weather', arguments: { city: 'Paris' }, argumentChunks: ['{"ci', 'ty":', '"Paris"}'] }] });
    const tools = [{ type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];
    const parts: ChatResponse[] = [];
    const question: Message = { role: 'user', content: 'Weather in Paris?' };
    for await (const part of await client().chat({ model: 'local-coder', messages: [question], tools, stream: true })) parts.push(part);
    const withCalls = parts.filter((p) => p.message.tool_calls !== undefined);
    expect(withCalls).toHaveLength(1);
    expect(withCalls[0]!.message.tool_calls).toEqual([{ function: { name: 'get_weather', arguments: { city: 'Paris' } } }]);
    expect((lastUpstream().json as any).tools[0].function.name).toBe('get_weather');

    const answer = await client().chat({
      model: 'local-coder',
      tools,
      messages: [question, { role: 'assistant', content: '', tool_calls: withCalls[0]!.message.tool_calls! }, { role: 'tool', tool_name: 'get_weather', content: '18 °C, sunny' }],
    });
    expect(answer.message.content).toBe('Hello, world!');
    const sent = lastUpstream().json as any;
    expect(sent.messages[1]).toEqual({ role: 'assistant', content: null, tool_calls: [{ id: 'call_1_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] });
    expect(sent.messages[2]).toEqual({ role: 'tool', tool_call_id: 'call_1_0', content: '18 °C, sunny' });
  });

  it('sends images as data URLs typed from their bytes and format "json" as response_format', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]).toString('base64');
    await client().chat({ model: 'local-coder', format: 'json', messages: [{ role: 'user', content: 'What is this?', images: [png] }] });
    expect(lastUpstream().json).toMatchObject({
      response_format: { type: 'json_object' },
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } }] }],
    });
  });

  it('lists what it dropped in x-switchboard-dropped', async () => {
    const raw = await rawNdjson('/api/chat', { model: 'local-coder', stream: false, messages: [{ role: 'user', content: 'hi' }], options: { num_ctx: 4096, top_k: 20 } });
    expect(raw.head.headers['x-switchboard-dropped']).toBe('options.num_ctx, options.top_k');
  });

  it('keeps NDJSON lines whole when the upstream splits a line (and a character) across writes', async () => {
    gw.mock.script({ kind: 'split-utf8' });
    const raw = await rawNdjson('/api/chat', { model: 'local-coder', messages: [{ role: 'user', content: 'hi' }] });
    expect(raw.lines.map((line) => line.message.content).join('')).toBe(SPLIT_UTF8_CONTENT);
    expect(raw.text.endsWith('\n')).toBe(true);
  });

  it('ends a stream the upstream breaks with one {"error"} line; the client raises it; one error row', async () => {
    const before = rowCount('/api/chat');
    gw.mock.script({ kind: 'reset-after-n-chunks', n: 2 });
    const raw = await rawNdjson('/api/chat', { model: 'local-coder', messages: [{ role: 'user', content: 'hi' }] });
    expect(Object.keys(raw.lines.at(-1)!)).toEqual(['error']);
    expect(raw.lines.some((line) => line.done === true)).toBe(false);
    const [row] = await newRows('/api/chat', before);
    expect(row!.status).toBe('upstream_error');

    gw.mock.script({ kind: 'reset-after-n-chunks', n: 2 });
    const consume = async () => {
      for await (const _part of await client().chat({ model: 'local-coder', messages: [{ role: 'user', content: 'hi' }], stream: true })) void _part;
    };
    await expect(consume()).rejects.toThrow();
  });

  it('a client that leaves mid-stream aborts the upstream and leaves exactly one client_aborted row', async () => {
    const before = rowCount('/api/chat');
    gw.mock.script({ kind: 'stall-after-n-chunks', n: 3 });
    const upstreamIndex = gw.mock.requests.length;
    const exchange = sendToGateway(gw.port(), '/api/chat', { model: 'local-coder', messages: [{ role: 'user', content: 'hi' }] }, { key: MASTER_KEY });
    await exchange.head;
    await exchange.waitFor((text) => text.includes('"done":false'));
    exchange.disconnect();
    await gw.mock.waitForClientClose(upstreamIndex);
    expect(gw.mock.requests[upstreamIndex]!.aborted).toBe(true);
    const [row] = await newRows('/api/chat', before);
    expect(row).toMatchObject({ status: 'client_aborted' });
    expect(rowCount('/api/chat')).toBe(before + 1);
  });
});

describe('/api/chat against other backends', () => {
  it('Anthropic: stream and not', async () => {
    anthropic.script({ kind: 'message', content: [{ type: 'text', text: 'Hi from Claude' }], usage: { input_tokens: 30, output_tokens: 5 } });
    const answer = await client().chat({ model: 'claude', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }] });
    expect(answer).toMatchObject({ message: { content: 'Hi from Claude' }, prompt_eval_count: 30, eval_count: 5, done_reason: 'stop' });
    expect(anthropic.requests.at(-1)!.json).toMatchObject({ system: expect.anything(), messages: [{ role: 'user' }] });

    anthropic.script({ kind: 'message', content: [{ type: 'text', text: 'Streamed Claude', chunks: ['Streamed', ' Claude'] }] });
    let text = '';
    for await (const part of await client().chat({ model: 'claude', messages: [{ role: 'user', content: 'hi' }], stream: true })) text += part.message.content;
    expect(text).toBe('Streamed Claude');
  });

  it('Ollama natively: num_ctx and think reach it, keep_alive -1 is capped to 30 min, the answer names the model asked for', async () => {
    const before = rowCount('/api/chat');
    const parts: ChatResponse[] = [];
    for await (const part of await client().chat({ model: 'ollama-native', messages: [{ role: 'user', content: 'hi' }], options: { num_ctx: 16384 }, keep_alive: -1, think: false, stream: true })) parts.push(part);
    expect(parts.map((p) => p.message.content).join('')).toBe('Hello, world!');
    expect(parts.every((p) => p.model === 'ollama-native')).toBe(true);
    const upstream = lastUpstream();
    expect(upstream.path).toBe('/api/chat');
    expect(upstream.json).toEqual({ model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }], options: { num_ctx: 16384 }, keep_alive: 1800, think: false, stream: true });
    const [row] = await newRows('/api/chat', before);
    expect(row).toMatchObject({ status: 'success', prompt_tokens: 10, completion_tokens: 4 });

    const whole = await client().chat({ model: 'ollama-native', messages: [{ role: 'user', content: 'hi' }], keep_alive: '10m' });
    expect(whole).toMatchObject({ model: 'ollama-native', message: { content: 'Hello, world!' }, done: true });
    expect(lastUpstream().json).toMatchObject({ keep_alive: '10m', stream: false });
  });
});

describe('/api/generate', () => {
  it('answers with `response`, system first then the prompt as the user message', async () => {
    const answer = await client().generate({ model: 'local-coder', system: 'Be brief.', prompt: 'Say hello' });
    expect(answer).toMatchObject({ model: 'local-coder', response: 'Hello, world!', done: true, done_reason: 'stop', eval_count: 4 });
    expect(lastUpstream().json).toMatchObject({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello' }] });
    let text = '';
    for await (const part of await client().generate({ model: 'local-coder', prompt: 'hi', stream: true })) text += part.response;
    expect(text).toBe('Hello, world!');
  });

  it('an empty prompt is a load request: done_reason "load", no upstream call, no usage row', async () => {
    const calls = gw.mock.requests.length;
    const rows = rowCount('/api/generate');
    const answer = await client().generate({ model: 'local-coder', prompt: '' });
    expect(answer).toMatchObject({ model: 'local-coder', response: '', done: true, done_reason: 'load' });
    const chat = await client().chat({ model: 'local-coder', messages: [], keep_alive: 0 });
    expect(chat).toMatchObject({ done: true, done_reason: 'unload', message: { content: '' } });
    expect(gw.mock.requests.length).toBe(calls);
    expect(rowCount('/api/generate')).toBe(rows);
  });

  it('what only Ollama takes (an image of another type) goes to an Ollama deployment as sent, and is a 400 elsewhere', async () => {
    const bmp = Buffer.from('BM\x36\x00\x00\x00 bitmap bytes', 'latin1').toString('base64');
    const answer = await client().chat({ model: 'ollama-native', messages: [{ role: 'user', content: 'what is it', images: [bmp] }] });
    expect(answer.message.content).toBe('Hello, world!');
    expect(lastUpstream().json).toMatchObject({ messages: [{ role: 'user', content: 'what is it', images: [bmp] }] });
    await expect(client().chat({ model: 'local-coder', messages: [{ role: 'user', content: 'what is it', images: [bmp] }] }))
      .rejects.toMatchObject({ status_code: 400, error: expect.stringContaining('messages[0].images[0]') });
  });

  it('suffix goes to an Ollama deployment natively and is a clear 400 for any other', async () => {
    const answer = await client().generate({ model: 'ollama-native', prompt: 'def add(a, b):', suffix: '    return c', options: { num_ctx: 4096 } });
    expect(answer).toMatchObject({ model: 'ollama-native', response: 'Hello, world!', done: true });
    expect(lastUpstream()).toMatchObject({ path: '/api/generate', json: { model: 'llama3.2', suffix: '    return c', options: { num_ctx: 4096 }, stream: false } });
    let streamed = '';
    for await (const part of await client().generate({ model: 'ollama-native', prompt: 'hi', stream: true })) streamed += part.response;
    expect(streamed).toBe('Hello, world!');
    await expect(client().generate({ model: 'local-coder', prompt: 'def add(a, b):', suffix: '    return c' })).rejects.toMatchObject({ status_code: 400, error: expect.stringContaining('suffix') });
  });
});

describe('/api/embed and /api/embeddings', () => {
  it('embed() returns one vector per input with prompt_eval_count; one row for /api/embed', async () => {
    const before = rowCount('/api/embed');
    const answer = await client().embed({ model: 'local-coder', input: ['first', 'second'] });
    expect(answer.model).toBe('local-coder');
    expect(answer.embeddings).toHaveLength(2);
    expect(answer.embeddings.every((vector) => vector.length > 0 && vector.every((n) => typeof n === 'number'))).toBe(true);
    expect(lastUpstream().json).toMatchObject({ model: 'qwen3-coder', input: ['first', 'second'], encoding_format: 'float' });
    await newRows('/api/embed', before);
  });

  it('embed() to an Ollama deployment goes to its /api/embed', async () => {
    const answer = await client().embed({ model: 'ollama-native', input: 'first' });
    expect(answer.embeddings).toHaveLength(1);
    expect(answer.prompt_eval_count).toBeGreaterThan(0);
    expect(lastUpstream()).toMatchObject({ path: '/api/embed', json: { model: 'llama3.2', input: 'first' } });
  });

  it('embeddings() (legacy) returns one vector', async () => {
    const answer = await client().embeddings({ model: 'local-coder', prompt: 'first' });
    expect(answer.embedding.length).toBeGreaterThan(0);
    expect(lastUpstream().json).toMatchObject({ input: 'first' });
  });
});

describe('errors in Ollama\'s shape', () => {
  it.each([
    ['/api/chat', { model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] }, 404, 'no-such-model'],
    ['/api/chat', { model: 'local-coder', messages: 'hi' }, 400, 'messages'],
    ['/api/chat', { model: 'local-coder', messages: [{ role: 'robot', content: 'hi' }] }, 400, 'messages[0].role'],
    ['/api/chat', { model: 'local-coder', messages: [{ role: 'user', content: 'hi', images: ['bm90IGFuIGltYWdl'] }] }, 400, 'messages[0].images[0]'],
    ['/api/chat', { model: 'local-coder', messages: [{ role: 'user', content: 'hi' }], api_base: 'http://evil' }, 400, 'api_base'],
    ['/api/generate', { model: 'local-coder', prompt: 42 }, 400, 'prompt'],
    ['/api/embed', { model: 'local-coder' }, 400, 'input'],
    ['/api/embeddings', { model: 'no-such-model', prompt: 'x' }, 404, 'no-such-model'],
  ])('%s %j → %i {"error"} naming %s', async (path, body, status, named) => {
    const answer = await gw.api('POST', path, body);
    expect(answer.status).toBe(status);
    expect(Object.keys(answer.json)).toEqual(['error']);
    expect(answer.json.error).toContain(named);
  });

  it('a key sees only its models: another is 403 {"error"}, its own is reached by name:latest', async () => {
    const { key } = await gw.generateKey({ key_alias: 'zed', models: ['claude'] });
    const refused = await gw.api('POST', '/api/chat', { model: 'local-coder', messages: [{ role: 'user', content: 'hi' }] }, key);
    expect(refused.status).toBe(403);
    expect(Object.keys(refused.json)).toEqual(['error']);
    anthropic.script({ kind: 'message', content: [{ type: 'text', text: 'ok' }] });
    const answer = await client(key).chat({ model: 'claude:latest', messages: [{ role: 'user', content: 'hi' }] });
    expect(answer).toMatchObject({ model: 'claude:latest', message: { content: 'ok' } });
  });

  it('the client raises them as ResponseError with the status and message', async () => {
    await expect(client().chat({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status_code: 404, error: expect.stringContaining('not found') });
  });
});
