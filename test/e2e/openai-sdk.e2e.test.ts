// The official `openai` SDK (v6) as a user's app would use it, against a real listening gateway
// with a master key, in front of the loopback mock upstream speaking OpenAI SSE and Ollama
// NDJSON byte for byte. Every case checks both sides: what the SDK got, and what the upstream
// received (one request, the right path, the upstream model and key, nothing of the client's).
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  IN_BAND_ERROR_MESSAGE,
  buildOpenAIChunk,
  createMockUpstream,
  sseFrame,
  SSE_DONE_FRAME,
  type MockUpstream,
  type RecordedRequest,
} from '../support/mock-upstream.js';
import { mockVector } from '../support/mock-openai-wire.js';
import { refusedPort } from '../support/refused-port.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const MASTER_KEY = 'sk-gateway-master-key-e2e-0123456789';
const UPSTREAM_KEY = 'sk-upstream-test-key-abcdef';
const HELLO = 'Hello, world!';

let mock: MockUpstream;
let gateway: TestGateway;
let client: OpenAI;
let mark = 0;

beforeAll(async () => {
  mock = await createMockUpstream();
  const dead = await refusedPort();
  const yaml = `model_list:
  - model_name: gpt
    litellm_params: { model: openai/up-gpt, api_base: "${mock.url}/v1", api_key: "${UPSTREAM_KEY}" }
  - model_name: gpt-hang
    litellm_params: { model: openai/up-gpt, api_base: "${mock.url}/v1", api_key: "${UPSTREAM_KEY}", timeout: 0.3 }
  - model_name: embed
    litellm_params: { model: openai/up-embed, api_base: "${mock.url}/v1", api_key: "${UPSTREAM_KEY}" }
  - model_name: dead
    litellm_params: { model: openai/up-dead, api_base: "http://127.0.0.1:${dead}/v1", api_key: "${UPSTREAM_KEY}" }
  - model_name: local
    litellm_params: { model: ollama_chat/llama3.2, api_base: "${mock.url}" }
  - model_name: local-embed
    litellm_params: { model: ollama/nomic-embed-text, api_base: "${mock.url}" }
# One attempt per request and no cooldowns: each case below counts exactly the upstream calls it
# caused, and a failure in one case must not make the next one find its model cooling down.
# Retries and cooldowns have their own fault tests (S19).
router_settings: { num_retries: 0, cooldown_time: 0 }
`;
  gateway = await startTestGateway(yaml, { listen: true, masterKey: MASTER_KEY });
  // maxRetries 0: the SDK would otherwise retry 5xx itself, and the upstream count would measure the SDK.
  client = new OpenAI({ apiKey: MASTER_KEY, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await gateway?.close();
  await mock?.close();
});
beforeEach(() => {
  mark = mock.requests.length;
});

/** Requests the mock recorded during this test. */
const upstreamCalls = (): RecordedRequest[] => mock.requests.slice(mark);

/** Exactly one upstream request, and return it. */
function onlyUpstreamCall(): RecordedRequest {
  const calls = upstreamCalls();
  expect(calls).toHaveLength(1);
  return calls[0]!;
}

const json = (rec: RecordedRequest) => rec.json as Record<string, unknown>;

/** What every forwarded request must look like: our path, model and key; nothing of the client's. */
function expectForwarded(rec: RecordedRequest, want: { path: string; model: string; key: string | undefined; stream?: 'openai' | 'ollama' }): void {
  expect(rec.method).toBe('POST');
  expect(rec.path).toBe(want.path);
  expect(json(rec).model).toBe(want.model);
  if (want.key === undefined) expect(rec.headers.authorization).toBeUndefined();
  else expect(rec.headers.authorization).toBe(`Bearer ${want.key}`);
  if (want.stream === 'openai') expect(json(rec).stream_options).toMatchObject({ include_usage: true });
  if (want.stream === 'ollama') expect(json(rec).stream).toBe(true);
  if (want.stream === undefined) expect(json(rec).stream_options).toBeUndefined();
  // The gateway key and the SDK's own headers stay at the gateway.
  expect(JSON.stringify(rec.headers)).not.toContain(MASTER_KEY);
  expect(rec.body).not.toContain(MASTER_KEY);
  const leaked = Object.keys(rec.headers).filter(
    (name) => name.startsWith('x-stainless') || name === 'x-api-key' || name.startsWith('openai-') || name === 'api-key',
  );
  expect(leaked).toEqual([]);
  expect(rec.headers['user-agent'] ?? '').not.toMatch(/OpenAI/i);
}

/** Runs a promise that must reject, returning the error for inspection. */
async function rejection(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(OpenAI.APIError);
    return error as InstanceType<typeof OpenAI.APIError>;
  }
  throw new Error('expected the call to fail');
}

const messages = [{ role: 'user' as const, content: 'Say hello' }];
const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string' } }, required: ['city'] },
  },
};

describe('openai SDK through the gateway, OpenAI wire', () => {
  it('answers a non-stream chat completion and forwards it with only the model and the key replaced', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt', messages, temperature: 0.2, response_format: { type: 'json_object' } })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe(HELLO);
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 4, total_tokens: 14 });
    expect(response.headers.get('x-request-id')).toBeTruthy();
    expect(response.headers.get('x-litellm-model-group')).toBe('gpt');

    const rec = onlyUpstreamCall();
    expectForwarded(rec, { path: '/v1/chat/completions', model: 'up-gpt', key: UPSTREAM_KEY });
    expect(json(rec)).toMatchObject({ messages, temperature: 0.2, response_format: { type: 'json_object' } });
  });

  it('streams a chat completion as several content deltas and strips the usage chunk it injected upstream', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt', messages, stream: true });
    const deltas: string[] = [];
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      const content = chunk.choices[0]?.delta.content;
      if (content) deltas.push(content);
    }
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(HELLO);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    // The client did not ask for usage: no usage-only chunk, no totals anywhere.
    expect(chunks.filter((c) => c.choices.length === 0)).toEqual([]);
    expect(chunks.filter((c) => c.usage)).toEqual([]);

    const rec = onlyUpstreamCall();
    expectForwarded(rec, { path: '/v1/chat/completions', model: 'up-gpt', key: UPSTREAM_KEY, stream: 'openai' });
    expect(json(rec).stream).toBe(true);
  });

  it('forwards the usage chunk when the client asks for stream_options.include_usage', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt', messages, stream: true, stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const withUsage = chunks.filter((c) => c.usage);
    expect(withUsage).toHaveLength(1);
    expect(withUsage[0]).toBe(chunks.at(-1));
    expect(withUsage[0]?.choices).toEqual([]);
    expect(withUsage[0]?.usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 4, total_tokens: 14 });

    expectForwarded(onlyUpstreamCall(), { path: '/v1/chat/completions', model: 'up-gpt', key: UPSTREAM_KEY, stream: 'openai' });
  });

  it('relays each chunk before the upstream has sent the next one (never buffers a stream)', async () => {
    // The upstream sends one delta and then waits until the SDK has seen it: a gateway that
    // buffered the stream would deadlock here and the test would time out.
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    mock.script({
      kind: 'raw',
      handler: (_req, res) => {
        const ctx = { id: 'chatcmpl-gated', created: 1_717_200_000 };
        const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
          sseFrame(buildOpenAIChunk(ctx, 'up-gpt', [{ index: 0, delta, logprobs: null, finish_reason: finish }]));
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(chunk({ role: 'assistant', content: '' }) + chunk({ content: 'first' }));
        void released.then(() => res.end(chunk({ content: ' second' }) + chunk({}, 'stop') + SSE_DONE_FRAME));
      },
    });
    const stream = await client.chat.completions.create({ model: 'gpt', messages, stream: true });
    const deltas: string[] = [];
    for await (const chunk of stream) {
      const content = chunk.choices[0]?.delta.content;
      if (content) deltas.push(content);
      if (content === 'first') release();
    }
    expect(deltas).toEqual(['first', ' second']);
  }, 10_000);

  it('streams a tool call split over many deltas and passes tools and tool_choice through', async () => {
    const args = { city: 'Paris', unit: 'celsius' };
    const text = JSON.stringify(args);
    const argumentChunks = [text.slice(0, 3), text.slice(3, 9), text.slice(9, 15), text.slice(15, 21), text.slice(21)];
    mock.script({ kind: 'ok', toolCalls: [{ id: 'call_abc123', name: 'get_weather', arguments: args, argumentChunks }] });
    const toolChoice = { type: 'function' as const, function: { name: 'get_weather' } };
    const stream = await client.chat.completions.create({ model: 'gpt', messages, tools: [weatherTool], tool_choice: toolChoice, stream: true });
    const fragments: string[] = [];
    let id: string | undefined;
    let name: string | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      for (const call of choice?.delta.tool_calls ?? []) {
        expect(call.index).toBe(0);
        id ??= call.id;
        name ??= call.function?.name;
        if (call.function?.arguments) fragments.push(call.function.arguments);
      }
      finish = choice?.finish_reason ?? finish;
    }
    expect(fragments).toEqual(argumentChunks);
    expect(JSON.parse(fragments.join(''))).toEqual(args);
    expect(id).toBe('call_abc123');
    expect(name).toBe('get_weather');
    expect(finish).toBe('tool_calls');

    const rec = onlyUpstreamCall();
    expectForwarded(rec, { path: '/v1/chat/completions', model: 'up-gpt', key: UPSTREAM_KEY, stream: 'openai' });
    expect(json(rec).tools).toEqual([weatherTool]);
    expect(json(rec).tool_choice).toEqual(toolChoice);
  });

  it('returns embeddings the SDK decodes from base64 to the upstream vectors', async () => {
    const result = await client.embeddings.create({ model: 'embed', input: ['one', 'two'] });
    expect(result.data).toHaveLength(2);
    expect(result.data[0]?.embedding).toEqual(Array.from(Float32Array.from(mockVector(0))));
    expect(result.data[1]?.embedding).toEqual(Array.from(Float32Array.from(mockVector(1))));

    const rec = onlyUpstreamCall();
    expectForwarded(rec, { path: '/v1/embeddings', model: 'up-embed', key: UPSTREAM_KEY });
    expect(json(rec)).toMatchObject({ input: ['one', 'two'], encoding_format: 'base64' });
  });

  it('lists and retrieves the configured models without calling any upstream', async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    const configured = ['dead', 'embed', 'gpt', 'gpt-hang', 'local', 'local-embed'];
    expect(ids).toEqual(expect.arrayContaining(configured));
    // Anything else listed is one of the gateway's own aliases (e.g. switchboard/active).
    expect(ids.filter((id) => !configured.includes(id)).every((id) => id.startsWith('switchboard/'))).toBe(true);
    const local = await client.models.retrieve('local');
    expect(local).toMatchObject({ id: 'local', object: 'model' });
    expect(upstreamCalls()).toEqual([]);
  });

  it('answers legacy completions, plain and streamed', async () => {
    const completion = await client.completions.create({ model: 'gpt', prompt: 'Say hello', max_tokens: 16 });
    expect(completion.choices[0]?.text).toBe(HELLO);
    const stream = await client.completions.create({ model: 'gpt', prompt: 'Say hello', stream: true });
    const parts: string[] = [];
    for await (const chunk of stream) if (chunk.choices[0]?.text) parts.push(chunk.choices[0].text);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.join('')).toBe(HELLO);

    const [plain, streamed] = upstreamCalls();
    expect(upstreamCalls()).toHaveLength(2);
    expectForwarded(plain!, { path: '/v1/completions', model: 'up-gpt', key: UPSTREAM_KEY });
    expect(json(plain!)).toMatchObject({ prompt: 'Say hello', max_tokens: 16 });
    expectForwarded(streamed!, { path: '/v1/completions', model: 'up-gpt', key: UPSTREAM_KEY, stream: 'openai' });
  });
});

describe('openai SDK through the gateway, Ollama NDJSON wire', () => {
  it('answers a non-stream chat completion translated from /api/chat', async () => {
    const result = await client.chat.completions.create({ model: 'local', messages, max_tokens: 32 });
    expect(result.object).toBe('chat.completion');
    expect(result.model).toBe('local');
    expect(result.choices[0]?.message).toMatchObject({ role: 'assistant', content: HELLO });
    expect(result.usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 4, total_tokens: 14 });

    const rec = onlyUpstreamCall();
    expectForwarded(rec, { path: '/api/chat', model: 'llama3.2', key: undefined });
    expect(json(rec)).toMatchObject({ stream: false, messages, options: { num_predict: 32 } });
  });

  it('streams NDJSON lines as several content deltas, with usage only when asked', async () => {
    const plain = await client.chat.completions.create({ model: 'local', messages, stream: true });
    const deltas: string[] = [];
    const plainChunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of plain) {
      plainChunks.push(chunk);
      if (chunk.choices[0]?.delta.content) deltas.push(chunk.choices[0].delta.content);
    }
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(HELLO);
    expect(plainChunks.filter((c) => c.usage || c.choices.length === 0)).toEqual([]);
    expect(plainChunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');

    const withUsage = await client.chat.completions.create({ model: 'local', messages, stream: true, stream_options: { include_usage: true } });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of withUsage) chunks.push(chunk);
    expect(chunks.filter((c) => c.usage)).toHaveLength(1);
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 4, total_tokens: 14 });

    expect(upstreamCalls()).toHaveLength(2);
    for (const rec of upstreamCalls()) expectForwarded(rec, { path: '/api/chat', model: 'llama3.2', key: undefined, stream: 'ollama' });
  });

  it('gives Ollama tool calls ids, streamed and not', async () => {
    const args = { city: 'Paris' };
    mock.script([
      { kind: 'ok', toolCalls: [{ name: 'get_weather', arguments: args }] },
      { kind: 'ok', toolCalls: [{ name: 'get_weather', arguments: args }, { name: 'get_weather', arguments: { city: 'Rome' } }] },
    ]);
    const plain = await client.chat.completions.create({ model: 'local', messages, tools: [weatherTool] });
    const call = plain.choices[0]?.message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    expect(call?.id).toMatch(/^call_\S+$/);
    expect(call?.type === 'function' && JSON.parse(call.function.arguments)).toEqual(args);
    expect(plain.choices[0]?.finish_reason).toBe('tool_calls');

    const stream = await client.chat.completions.create({ model: 'local', messages, tools: [weatherTool], stream: true });
    const calls: { index: number; id?: string; name?: string; arguments?: string }[] = [];
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      for (const c of chunk.choices[0]?.delta.tool_calls ?? []) {
        calls.push({ index: c.index, id: c.id, name: c.function?.name, arguments: c.function?.arguments });
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(calls.map((c) => c.index)).toEqual([0, 1]);
    expect(calls.every((c) => typeof c.id === 'string' && c.id.length > 0)).toBe(true);
    expect(new Set(calls.map((c) => c.id)).size).toBe(2);
    expect(calls.map((c) => JSON.parse(c.arguments ?? ''))).toEqual([{ city: 'Paris' }, { city: 'Rome' }]);
    expect(finish).toBe('tool_calls');
    // Ids never repeat across turns, or a client's tool results would be matched to the wrong call.
    expect(calls.map((c) => c.id)).not.toContain(call?.id);

    for (const rec of upstreamCalls()) {
      expectForwarded(rec, { path: '/api/chat', model: 'llama3.2', key: undefined, stream: json(rec).stream === true ? 'ollama' : undefined });
      expect(json(rec).tools).toEqual([weatherTool]);
    }
  });

  it('returns embeddings from /api/embed that the SDK decodes to the upstream vectors', async () => {
    // The SDK asks for base64 unless told otherwise and decodes whatever it gets as base64.
    const result = await client.embeddings.create({ model: 'local-embed', input: ['one', 'two'] });
    expect(result.data.map((d) => d.embedding)).toEqual([mockVector(0), mockVector(1)].map((v) => Array.from(Float32Array.from(v))));
    const floats = await client.embeddings.create({ model: 'local-embed', input: 'one', encoding_format: 'float' });
    expect(floats.data[0]?.embedding).toEqual(mockVector(0));
    expect(floats.usage).toMatchObject({ prompt_tokens: 10 });

    for (const rec of upstreamCalls()) expectForwarded(rec, { path: '/api/embed', model: 'nomic-embed-text', key: undefined });
    expect(json(upstreamCalls()[0]!).input).toEqual(['one', 'two']);
  });

  it('answers legacy completions from /api/generate', async () => {
    const completion = await client.completions.create({ model: 'local', prompt: 'Say hello' });
    expect(completion.choices[0]?.text).toBe(HELLO);
    const rec = onlyUpstreamCall();
    expectForwarded(rec, { path: '/api/generate', model: 'llama3.2', key: undefined });
    expect(json(rec)).toMatchObject({ prompt: 'Say hello', stream: false });
  });
});

describe('openai SDK through the gateway, errors', () => {
  it('401: a wrong gateway key is refused before any upstream call', async () => {
    const stranger = new OpenAI({ apiKey: 'sk-not-the-master-key', baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const error = await rejection(stranger.chat.completions.create({ model: 'gpt', messages }));
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error.status).toBe(401);
    expect(error.code).toBe('invalid_api_key');
    expect(error.message).not.toContain('sk-not-the-master-key');
    expect(upstreamCalls()).toEqual([]);
  });

  it('404: an unknown model names the model and never reaches an upstream', async () => {
    const error = await rejection(client.chat.completions.create({ model: 'no-such-model', messages }));
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error.status).toBe(404);
    expect(error.code).toBe('model_not_found');
    expect(error.message).toContain('no-such-model');
    expect(upstreamCalls()).toEqual([]);
  });

  it('400: a malformed body is refused with the offending parameter', async () => {
    const error = await rejection(
      client.chat.completions.create({ model: 'gpt', messages, temperature: 'hot' as unknown as number }),
    );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid_request');
    expect(error.param).toBe('temperature');
    expect(upstreamCalls()).toEqual([]);
  });

  it('502: an upstream 500 becomes upstream_error after exactly one well-formed upstream call', async () => {
    mock.script([{ kind: 'status', status: 500 }, { kind: 'status', status: 500 }]);
    const error = await rejection(client.chat.completions.create({ model: 'gpt', messages }));
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(error.status).toBe(502);
    expect(error.code).toBe('upstream_error');
    expect(error.message).not.toContain(UPSTREAM_KEY);
    expectForwarded(onlyUpstreamCall(), { path: '/v1/chat/completions', model: 'up-gpt', key: UPSTREAM_KEY });

    // A stream that fails before its first byte is still a plain JSON error with a status.
    mark = mock.requests.length;
    const streamed = await rejection(client.chat.completions.create({ model: 'gpt', messages, stream: true }));
    expect(streamed).toBeInstanceOf(OpenAI.InternalServerError);
    expect(streamed.status).toBe(502);
    expect(streamed.code).toBe('upstream_error');
    expectForwarded(onlyUpstreamCall(), { path: '/v1/chat/completions', model: 'up-gpt', key: UPSTREAM_KEY, stream: 'openai' });
  });

  it('502: a refused upstream connection becomes upstream_unavailable', async () => {
    const error = await rejection(client.chat.completions.create({ model: 'dead', messages }));
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(error.status).toBe(502);
    expect(error.code).toBe('upstream_unavailable');
    expect(error.message).toMatch(/connection refused/);
    // It names the model and the address tried (issue 14 item 4), never a query string.
    expect(error.message).toMatch(/Nothing answers at http:\/\/127\.0\.0\.1:\d+\S* \(model dead\)/);
    expect(error.message).not.toMatch(/\?[a-z_-]+=/i);
    expect(upstreamCalls()).toEqual([]);
  });

  it('504: an upstream that never answers times out at its first-byte deadline and is hung up on', async () => {
    mock.script({ kind: 'hang-before-headers' });
    const error = await rejection(client.chat.completions.create({ model: 'gpt-hang', messages, stream: true }));
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(error.status).toBe(504);
    expect(error.code).toBe('upstream_timeout');
    const rec = onlyUpstreamCall();
    expectForwarded(rec, { path: '/v1/chat/completions', model: 'up-gpt', key: UPSTREAM_KEY, stream: 'openai' });
    await mock.waitForClientClose(rec.index);
    expect(rec.socketClosed).toBe(true);
  });

  it('an upstream failure after the first chunk reaches the SDK as an error thrown from the stream', async () => {
    mock.script({ kind: 'in-band-error' });
    const stream = await client.chat.completions.create({ model: 'gpt', messages, stream: true });
    const deltas: string[] = [];
    const failure = await rejection(
      (async () => {
        for await (const chunk of stream) if (chunk.choices[0]?.delta.content) deltas.push(chunk.choices[0].delta.content);
      })(),
    );
    expect(deltas).toEqual(['Hello']);
    expect(failure.code).toBe('upstream_error');
    expect(failure.message).toContain(IN_BAND_ERROR_MESSAGE);
    expectForwarded(onlyUpstreamCall(), { path: '/v1/chat/completions', model: 'up-gpt', key: UPSTREAM_KEY, stream: 'openai' });
  });
});
