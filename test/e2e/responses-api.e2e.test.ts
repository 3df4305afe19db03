// POST /v1/responses through the whole gateway as the CLI runs it (startGateway: SQLite, the
// ledger meter, keys and budgets), with the official openai SDK as the client. Bridge mode
// against the loopback OpenAI-format chat, Ollama NDJSON, Anthropic and Gemini mocks; pass-through
// against the loopback Responses API mock (openai/ and supports_responses deployments). Every
// stream is checked against the contract Codex's parser enforces; every request leaves one row.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ANTHROPIC_MOCK_KEY, createMockAnthropicUpstream, type MockAnthropicUpstream } from '../support/mock-anthropic-upstream.js';
import { GEMINI_MOCK_KEY, createMockGeminiUpstream, type MockGeminiUpstream } from '../support/mock-gemini-upstream.js';
import { RESPONSES_MOCK_ID, RESPONSES_MOCK_KEY, createMockResponsesUpstream, responsesEvents, type MockResponsesUpstream } from '../support/mock-responses-upstream.js';
import { checkResponsesStream, readResponsesStream } from '../support/check-responses-stream.js';
import { sendToGateway } from '../support/send-to-gateway.js';
import { MASTER_KEY, eventually, startMeteredGateway, type MeteredGateway, type UsageLogRow } from './metered-gateway.js';

let gw: MeteredGateway;
let anthropic: MockAnthropicUpstream;
let gemini: MockGeminiUpstream;
let responses: MockResponsesUpstream;

beforeAll(async () => {
  anthropic = await createMockAnthropicUpstream();
  gemini = await createMockGeminiUpstream();
  responses = await createMockResponsesUpstream();
  gw = await startMeteredGateway({
    models: (mockUrl) => `model_list:
  - model_name: local-coder
    litellm_params: { model: hosted_vllm/qwen3-coder, api_base: "${mockUrl}/v1" }
    model_info: { input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 }
  - model_name: premium
    litellm_params: { model: hosted_vllm/acme-large, api_base: "${mockUrl}/v1" }
    model_info: { input_cost_per_token: 0.0003, output_cost_per_token: 0.0003 }
  - model_name: ollama-native
    litellm_params: { model: ollama_chat/llama3.2, api_base: "${mockUrl}" }
  - model_name: tiny-window
    litellm_params: { model: ollama_chat/qwen3:0.6b, api_base: "${mockUrl}" }
    model_info: { max_input_tokens: 8 }
  - model_name: claude
    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${anthropic.url}", api_key: "${ANTHROPIC_MOCK_KEY}" }
  - model_name: gemini-flash
    litellm_params: { model: gemini/gemini-2.5-flash, api_base: "${gemini.url}", api_key: "${GEMINI_MOCK_KEY}" }
  - model_name: gpt-5
    litellm_params: { model: openai/gpt-5-2025-08-07, api_base: "${responses.url}/v1", api_key: "${RESPONSES_MOCK_KEY}" }
    model_info: { input_cost_per_token: 0.00000125, output_cost_per_token: 0.00001 }
  - model_name: vllm-responses
    litellm_params: { model: hosted_vllm/gpt-oss-20b, api_base: "${responses.url}/v1", api_key: "${RESPONSES_MOCK_KEY}", supports_responses: true }
router_settings: { num_retries: 0, cooldown_time: 0 }
`,
  });
});
afterAll(async () => {
  await gw?.close();
  await anthropic?.close();
  await gemini?.close();
  await responses?.close();
});
beforeEach(() => {
  gw.mock.setDefault({ kind: 'ok' });
  anthropic.clearScript();
  gemini.clearScript();
  responses.clearScript();
});

const client = (key = MASTER_KEY) => new OpenAI({ apiKey: key, baseURL: `${gw.url()}/v1`, maxRetries: 0 });

type Row = UsageLogRow & { endpoint: string };

async function theRowOf(requestId: string): Promise<Row> {
  const rows = await eventually(() => {
    const found = gw.usageRows('request_id = ?', requestId);
    return found.length > 0 && found;
  }, `the usage row of ${requestId}`);
  expect(rows).toHaveLength(1);
  return rows[0] as Row;
}

/** A raw stream through the gateway: the SSE text, the request id, and the contract checked. */
async function rawStream(body: Record<string, unknown>, path = '/v1/responses') {
  const exchange = sendToGateway(gw.port(), path, { stream: true, ...body }, { key: MASTER_KEY });
  const head = await exchange.head;
  const text = await exchange.done;
  const { events, problems } = readResponsesStream(text);
  return { head, text, events, problems: [...problems, ...checkResponsesStream(events)], requestId: String(head.headers['x-request-id']) };
}

describe('bridge to an OpenAI-compatible chat server', () => {
  it('answers responses.create with a response object, usage and a resp_ id, and leaves one row for /v1/responses', async () => {
    const { data, response } = await client().responses.create({ model: 'local-coder', instructions: 'Be brief.', input: 'Say hello', max_output_tokens: 64 }).withResponse();
    expect(data.id).toMatch(/^resp_[0-9a-f]{32}$/);
    expect(data).toMatchObject({ object: 'response', status: 'completed', model: 'local-coder' });
    expect(data.output_text).toBe('Hello, world!');
    expect(data.usage).toEqual({ input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 4, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 14 });
    // Translated upstream: instructions first as the system message, the output cap as max_tokens.
    expect(gw.mock.requests.at(-1)!.json).toMatchObject({
      model: 'qwen3-coder',
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello' }],
      max_tokens: 64,
    });
    const row = await theRowOf(response.headers.get('x-request-id')!);
    expect(row).toMatchObject({ status: 'success', endpoint: '/v1/responses', requested_model: 'local-coder', prompt_tokens: 10, completion_tokens: 4, cost_micros: 18, usage_estimated: 0 });
  });

  it('streams through responses.stream(): the SDK assembles the same answer, every event keeps the contract', async () => {
    const stream = client().responses.stream({ model: 'local-coder', input: [{ role: 'user', content: 'hi' }] });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('Hello, world!');
    expect(final.status).toBe('completed');
    expect(types.slice(0, 2)).toEqual(['response.created', 'response.in_progress']);
    expect(types.at(-1)).toBe('response.completed');
    const raw = await rawStream({ model: 'local-coder', input: 'hi' });
    expect(raw.problems).toEqual([]);
    expect(raw.head.headers['content-type']).toMatch(/^text\/event-stream/);
    const row = await theRowOf(raw.requestId);
    expect(row).toMatchObject({ status: 'success', endpoint: '/v1/responses', prompt_tokens: 10, completion_tokens: 4 });
  });

  it('serves /responses without the /v1 prefix too', async () => {
    const raw = await rawStream({ model: 'local-coder', input: 'hi' }, '/responses');
    expect(raw.problems).toEqual([]);
    expect((await theRowOf(raw.requestId)).endpoint).toBe('/responses');
  });

  it('maps apply_patch back to a custom_tool_call and a namespace tool back to {name, namespace}', async () => {
    const patch = '*** Begin Patch\n*** Add File: hello.txt\n+hi\n*** End Patch';
    gw.mock.script({ kind: 'ok', toolCalls: [
      { id: 'call_patch', name: 'apply_patch', arguments: { input: patch } },
      { id: 'call_mcp', name: 'github__create_issue', arguments: { title: 'Bug' } },
    ] });
    const final = await client().responses.stream({
      model: 'local-coder',
      input: 'fix it',
      tools: [
        { type: 'custom', name: 'apply_patch', description: 'Apply a patch', format: { type: 'grammar', syntax: 'lark', definition: 'start: /.+/' } },
        { type: 'namespace', name: 'github', description: 'GitHub', tools: [{ type: 'function', name: 'create_issue', parameters: { type: 'object', properties: { title: { type: 'string' } } } }] } as never,
      ],
    }).finalResponse();
    expect(final.output).toEqual([
      expect.objectContaining({ type: 'custom_tool_call', call_id: 'call_patch', name: 'apply_patch', input: patch }),
      expect.objectContaining({ type: 'function_call', call_id: 'call_mcp', name: 'create_issue', namespace: 'github', arguments: '{"title":"Bug"}' }),
    ]);
    const sent = gw.mock.requests.at(-1)!.json as any;
    expect(sent.tools.map((t: any) => t.function.name)).toEqual(['apply_patch', 'github__create_issue']);
    expect(sent.tools[0].function.parameters.required).toEqual(['input']);
  });

  it('drops a server-side tool and an unknown item with the x-switchboard-dropped header, never a 400', async () => {
    const { data, response } = await client().responses.create({
      model: 'local-coder',
      input: [{ type: 'future_item_kind', payload: 1 } as never, { role: 'user', content: 'hi' }],
      tools: [{ type: 'web_search' }],
    }).withResponse();
    expect(data.output_text).toBe('Hello, world!');
    expect(response.headers.get('x-switchboard-dropped')).toBe('item:future_item_kind, tool:web_search');
    expect((gw.mock.requests.at(-1)!.json as any).tools).toBeUndefined();
  });

  it('replays a whole Codex turn: consecutive calls become one assistant message, their outputs tool messages', async () => {
    await client().responses.create({
      model: 'local-coder',
      instructions: 'You are Codex.',
      input: [
        { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Sandbox: workspace-write.' }] },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'list files' }] },
        { type: 'function_call', call_id: 'c1', name: 'shell', arguments: '{"command":["ls"]}' },
        { type: 'function_call', call_id: 'c2', name: 'shell', arguments: '{"command":["pwd"]}' },
        { type: 'function_call_output', call_id: 'c1', output: 'a.txt' },
        { type: 'function_call_output', call_id: 'c2', output: '/work' },
      ],
    });
    expect((gw.mock.requests.at(-1)!.json as any).messages).toEqual([
      { role: 'system', content: 'You are Codex.\n\nSandbox: workspace-write.' },
      { role: 'user', content: 'list files' },
      { role: 'assistant', content: null, tool_calls: [
        { id: 'c1', type: 'function', function: { name: 'shell', arguments: '{"command":["ls"]}' } },
        { id: 'c2', type: 'function', function: { name: 'shell', arguments: '{"command":["pwd"]}' } },
      ] },
      { role: 'tool', tool_call_id: 'c1', content: 'a.txt' },
      { role: 'tool', tool_call_id: 'c2', content: '/work' },
    ]);
  });

  it('ends a stream cut by max_output_tokens with response.incomplete', async () => {
    gw.mock.script({ kind: 'ok', chunks: ['Long', ' answer'], finishReason: 'length' });
    const raw = await rawStream({ model: 'local-coder', input: 'hi', max_output_tokens: 2 });
    expect(raw.problems).toEqual([]);
    expect(raw.events.at(-1)).toMatchObject({ type: 'response.incomplete', response: { incomplete_details: { reason: 'max_output_tokens' } } });
  });

  it('ends a stream the upstream breaks mid-way with response.failed (never completed) and one error row', async () => {
    gw.mock.script({ kind: 'in-band-error' });
    const raw = await rawStream({ model: 'local-coder', input: 'hi' });
    expect(raw.problems).toEqual([]);
    expect(raw.events.at(-1)).toMatchObject({ type: 'response.failed', response: { status: 'failed', error: { code: 'server_error' } } });
    const row = await theRowOf(raw.requestId);
    expect(row).toMatchObject({ status: 'upstream_error', endpoint: '/v1/responses' });
  });

  it('answers an upstream error before the first byte in OpenAI\'s error shape, with one row', async () => {
    gw.mock.script({ kind: 'status', status: 503 });
    const exchange = sendToGateway(gw.port(), '/v1/responses', { model: 'local-coder', input: 'hi', stream: true }, { key: MASTER_KEY });
    const head = await exchange.head;
    const body = JSON.parse(await exchange.done);
    expect(head.status).toBeGreaterThanOrEqual(500);
    expect(body.error).toMatchObject({ message: expect.any(String), type: expect.any(String), code: expect.any(String) });
    expect((await theRowOf(String(head.headers['x-request-id']))).status).not.toBe('success');
  });

  it.each([
    // The guard refuses before any upstream is tried, so it leaves no row (like an unknown model).
    ['the upstream refuses the prompt as too long', 'local-coder', 1, () => gw.mock.script({ kind: 'status', status: 400, body: { error: { message: "This model's maximum context length is 8192 tokens. However, you requested 9120 tokens.", type: 'invalid_request_error', param: null, code: null } } })],
    ['the context guard finds it longer than max_input_tokens', 'tiny-window', 0, () => undefined],
  ])('streams response.failed with context_length_exceeded when %s before the first byte (what Codex acts on)', async (_when, model, rows, arrange) => {
    arrange();
    const raw = await rawStream({ model, input: 'a prompt that is far too long for this model window' });
    expect(raw.head.status).toBe(200);
    expect(raw.problems).toEqual([]);
    expect(raw.events.map((e) => e.type)).toEqual(['response.created', 'response.in_progress', 'response.failed']);
    expect(raw.events.at(-1)).toMatchObject({ response: { status: 'failed', error: { code: 'context_length_exceeded', message: expect.stringMatching(/context length|max_input_tokens/) } } });
    if (rows === 1) expect((await theRowOf(raw.requestId)).http_status).toBe(400);
    else expect(gw.usageRows('request_id = ?', raw.requestId)).toEqual([]);
  });

  it('answers the same overflow without stream as an HTTP 400 in OpenAI\'s error shape', async () => {
    const failed = client().responses.create({ model: 'tiny-window', input: 'a prompt that is far too long for this model window' });
    await expect(failed).rejects.toMatchObject({ status: 400 });
  });

  it('records a client that leaves mid-stream once as client_aborted', async () => {
    gw.mock.script({ kind: 'stall-after-n-chunks', n: 3 });
    const upstreamIndex = gw.mock.requests.length;
    const exchange = sendToGateway(gw.port(), '/v1/responses', { model: 'local-coder', input: 'hi', stream: true }, { key: MASTER_KEY });
    const head = await exchange.head;
    await exchange.waitFor((text) => text.includes('response.output_text.delta'));
    exchange.disconnect();
    await gw.mock.waitForClientClose(upstreamIndex);
    const row = await theRowOf(String(head.headers['x-request-id']));
    expect(row).toMatchObject({ status: 'client_aborted', endpoint: '/v1/responses' });
    expect(row.completion_tokens).toBeGreaterThan(0);
  });
});

describe('bridge to native backends', () => {
  it('Ollama (/api/chat NDJSON): streamed and assembled by the SDK', async () => {
    const final = await client().responses.stream({ model: 'ollama-native', input: 'hi' }).finalResponse();
    expect(final.output_text).toBe('Hello, world!');
    expect(gw.mock.requests.at(-1)!.path).toBe('/api/chat');
    const raw = await rawStream({ model: 'ollama-native', input: 'hi' });
    expect(raw.problems).toEqual([]);
  });

  it('Anthropic: text and usage, stream and not; thinking comes back as a reasoning item that replays', async () => {
    anthropic.script({ kind: 'message', content: [{ type: 'text', text: 'Hi from Claude' }], usage: { input_tokens: 30, output_tokens: 5 } });
    const plain = await client().responses.create({ model: 'claude', input: 'hi', max_output_tokens: 100 });
    expect(plain.output_text).toBe('Hi from Claude');
    expect(plain.usage).toMatchObject({ input_tokens: 30, output_tokens: 5 });
    expect(anthropic.requests.at(-1)!.json).toMatchObject({ max_tokens: 100 });

    anthropic.script({ kind: 'message', content: [
      { type: 'thinking', thinking: 'The user greets.', signature: 'EqQBCkYIBxgCKkBv0Zt1yQ==' },
      { type: 'tool_use', id: 'toolu_01', name: 'shell', input: { command: ['ls'] } },
    ], stopReason: 'tool_use' });
    const raw = await rawStream({ model: 'claude', input: 'list', reasoning: { effort: 'low' }, tools: [{ type: 'function', name: 'shell', parameters: { type: 'object', properties: {} } }] });
    expect(raw.problems).toEqual([]);
    const output = raw.events.at(-1)!.response.output;
    expect(output.map((item: any) => item.type)).toEqual(['reasoning', 'function_call']);

    // The next turn hands the reasoning item back: the signed block reaches Anthropic again.
    await client().responses.create({ model: 'claude', input: [
      { role: 'user', content: 'list' },
      ...output,
      { type: 'function_call_output', call_id: 'toolu_01', output: 'a.txt' },
    ], tools: [{ type: 'function', name: 'shell', parameters: { type: 'object', properties: {} }, strict: false }] });
    const assistant = (anthropic.requests.at(-1)!.json as any).messages[1];
    expect(assistant.content[0]).toEqual({ type: 'thinking', thinking: 'The user greets.', signature: 'EqQBCkYIBxgCKkBv0Zt1yQ==' });
  });

  it('Gemini: a streamed answer with usage', async () => {
    gemini.script({ kind: 'response', parts: [{ text: 'Hi from Gemini' }], usage: { prompt: 12, candidates: 4, cached: 0, thoughts: 3 } });
    const raw = await rawStream({ model: 'gemini-flash', input: 'hi' });
    expect(raw.problems).toEqual([]);
    expect(raw.events.at(-1)!.response.usage).toMatchObject({ input_tokens: 12, output_tokens_details: { reasoning_tokens: 3 } });
  });
});

describe('pass-through to deployments that serve the Responses API', () => {
  it('relays an openai/ stream byte for byte, sends the body as sent with the deployment\'s model and key, and meters response.completed', async () => {
    responses.script({ kind: 'text', usage: { input: 1200, output: 30, cached: 1024, reasoning: 10 } });
    const body = { model: 'gpt-5', input: [{ type: 'message', role: 'user', content: 'hi' }, { type: 'web_search_call', id: 'ws_1', status: 'completed' }], tools: [{ type: 'web_search' }], store: false, include: ['reasoning.encrypted_content'] };
    const raw = await rawStream(body);
    const expected = responsesEvents({ kind: 'text', usage: { input: 1200, output: 30, cached: 1024, reasoning: 10 } }, 'gpt-5-2025-08-07')
      .map((e) => `event: ${e.type as string}\ndata: ${JSON.stringify(e)}\n\n`).join('');
    expect(raw.text).toBe(expected);
    expect(raw.head.headers['x-switchboard-dropped']).toBeUndefined();
    const sent = responses.requests.at(-1)!;
    expect(sent.path).toBe('/v1/responses');
    expect(sent.headers.authorization).toBe(`Bearer ${RESPONSES_MOCK_KEY}`);
    expect(sent.json).toEqual({ ...body, stream: true, model: 'gpt-5-2025-08-07' });
    const row = await theRowOf(raw.requestId);
    expect(row).toMatchObject({ status: 'success', endpoint: '/v1/responses', provider: 'openai', prompt_tokens: 1200, completion_tokens: 30, usage_estimated: 0 });
    expect(row.cost_micros).toBeGreaterThan(0);
  });

  it('returns an openai/ JSON answer unchanged, read for usage; the SDK parses it', async () => {
    const { data, response } = await client().responses.create({ model: 'gpt-5', input: 'hi' }).withResponse();
    expect(data.id).toBe(RESPONSES_MOCK_ID);
    expect(data.output_text).toBe('Hello from the Responses API');
    const row = await theRowOf(response.headers.get('x-request-id')!);
    expect(row).toMatchObject({ status: 'success', prompt_tokens: 12, completion_tokens: 3 });
  });

  it('passes through to an OpenAI-compatible server only with supports_responses: true', async () => {
    const final = await client().responses.stream({ model: 'vllm-responses', input: 'hi' }).finalResponse();
    expect(final.output_text).toBe('Hello from the Responses API');
    expect(responses.requests.at(-1)!.json).toMatchObject({ model: 'gpt-oss-20b' });
  });

  it('relays the upstream\'s own response.failed and records an error row', async () => {
    responses.script({ kind: 'text', failAfterDeltas: { code: 'server_error', message: 'The model had a problem.' } });
    const raw = await rawStream({ model: 'gpt-5', input: 'hi' });
    expect(raw.events.filter((e) => e.type === 'response.failed')).toHaveLength(1);
    expect(raw.problems).toEqual([]);
    expect((await theRowOf(raw.requestId)).status).toBe('upstream_error');
  });

  it('ends a pass-through stream that breaks without a terminal event with one response.failed', async () => {
    const events = responsesEvents({ kind: 'text' }, 'gpt-5').slice(0, 5);
    responses.script({ kind: 'sse', text: events.map((e) => `event: ${e.type as string}\ndata: ${JSON.stringify(e)}\n\n`).join(''), end: 'close' });
    const raw = await rawStream({ model: 'gpt-5', input: 'hi' });
    expect(raw.problems).toEqual([]);
    expect(raw.events.at(-1)).toMatchObject({ type: 'response.failed', sequence_number: 5, response: { id: RESPONSES_MOCK_ID } });
  });
});

describe('bad requests get OpenAI-shaped errors', () => {
  const post = async (body: unknown) => {
    const exchange = sendToGateway(gw.port(), '/v1/responses', body, { key: MASTER_KEY });
    const head = await exchange.head;
    return { status: head.status, body: JSON.parse(await exchange.done) };
  };

  it.each([
    ['input of the wrong type', { model: 'local-coder', input: 42 }, 400, 'input'],
    ['an item that is not an object', { model: 'local-coder', input: ['hi'] }, 400, 'input'],
    ['a bad max_output_tokens', { model: 'local-coder', input: 'hi', max_output_tokens: -1 }, 400, 'max_output_tokens'],
    ['an unknown previous_response_id', { model: 'local-coder', input: 'hi', previous_response_id: 'resp_abc' }, 400, 'previous_response_id'],
    ['conversation (not supported)', { model: 'local-coder', input: 'hi', conversation: 'conv_1' }, 400, 'conversation'],
    ['a routing field', { model: 'local-coder', input: 'hi', api_base: 'http://evil.example' }, 400, 'api_base'],
  ])('%s: %i', async (_name, body, status, param) => {
    const answer = await post(body);
    expect(answer.status).toBe(status);
    expect(answer.body.error).toMatchObject({ message: expect.any(String), type: 'invalid_request_error', param });
  });

  it('an unknown model: 404 model_not_found', async () => {
    const answer = await post({ model: 'no-such-model', input: 'hi' });
    expect(answer.status).toBe(404);
    expect(answer.body.error).toMatchObject({ code: 'model_not_found', param: 'model' });
  });

  it('the SDK raises them as APIError with the status', async () => {
    await expect(client().responses.create({ model: 'local-coder', input: 42 as never })).rejects.toMatchObject({ status: 400 });
  });
});

describe('budgets see max_output_tokens', () => {
  it('refuses a request whose max_output_tokens makes the worst case exceed the budget, admits a smaller one', async () => {
    const key = await gw.generateKey({ key_alias: 'codex-budget', max_budget: 0.1, models: ['premium'] });
    const before = gw.mock.requests.length;
    // premium: $300 per million tokens: 1,000 output tokens alone may cost $0.30.
    await expect(client(key.key).responses.create({ model: 'premium', input: 'hi', max_output_tokens: 1000 })).rejects.toMatchObject({ status: 429, error: { code: 'budget_exceeded' } });
    expect(gw.mock.requests.length).toBe(before);
    gw.mock.script({ kind: 'ok', usage: { prompt: 10, completion: 5 } });
    const ok = await client(key.key).responses.create({ model: 'premium', input: 'hi', max_output_tokens: 100 });
    expect(ok.status).toBe('completed');
  });
});

describe('stored responses and previous_response_id', () => {
  type ChatBody = { messages: Array<{ role: string; content: unknown }> };
  const lastChat = () => gw.mock.requests.at(-1)?.json as ChatBody;

  it('stores a response by default: a follow-up sent at once continues it, and it can be retrieved and deleted', async () => {
    gw.mock.script({ kind: 'ok', content: 'Paris is the capital.' });
    const first = await client().responses.create({ model: 'local-coder', instructions: 'Answer in one line.', input: 'What is the capital of France?' });
    expect(first).toMatchObject({ store: true, previous_response_id: null, output_text: 'Paris is the capital.' });

    gw.mock.script({ kind: 'ok', content: 'About two million.' });
    const second = await client().responses.create({ model: 'local-coder', previous_response_id: first.id, input: 'And its population?' });
    expect(second).toMatchObject({ previous_response_id: first.id, output_text: 'About two million.' });
    // The model saw the whole conversation; the first request's instructions are not carried over (OpenAI's rule).
    expect(lastChat().messages).toEqual([
      { role: 'user', content: 'What is the capital of France?' },
      { role: 'assistant', content: 'Paris is the capital.' },
      { role: 'user', content: 'And its population?' },
    ]);

    // A third turn, streamed, follows the chain back through both.
    gw.mock.script({ kind: 'ok', content: 'Yes.' });
    const third = await client().responses.stream({ model: 'local-coder', previous_response_id: second.id, input: 'Sure?' }).finalResponse();
    expect(third.output_text).toBe('Yes.');
    expect(lastChat().messages.map((m) => m.content)).toEqual(['What is the capital of France?', 'Paris is the capital.', 'And its population?', 'About two million.', 'Sure?']);

    const retrieved = await client().responses.retrieve(first.id);
    expect(retrieved).toMatchObject({ id: first.id, status: 'completed', output_text: 'Paris is the capital.' });
    await client().responses.delete(first.id);
    await expect(client().responses.retrieve(first.id)).rejects.toMatchObject({ status: 404, error: { code: 'response_not_found' } });
    // With the oldest link gone the conversation continues from what is left, and says so.
    gw.mock.script({ kind: 'ok', content: 'Still yes.' });
    const { data, response } = await client().responses.create({ model: 'local-coder', previous_response_id: second.id, input: 'Really?' }).withResponse();
    expect(data.output_text).toBe('Still yes.');
    expect(response.headers.get('x-switchboard-history-truncated')).toBe('true');
    expect(lastChat().messages.map((m) => m.content)).toEqual(['And its population?', 'About two million.', 'Really?']);
  });

  it('keeps nothing with store: false (what Codex sends)', async () => {
    const answer = await client().responses.create({ model: 'local-coder', input: 'hi', store: false });
    expect((answer as unknown as { store: boolean }).store).toBe(false);
    await expect(client().responses.retrieve(answer.id)).rejects.toMatchObject({ status: 404 });
    await expect(client().responses.create({ model: 'local-coder', previous_response_id: answer.id, input: 'again' }))
      .rejects.toMatchObject({ status: 400, error: { code: 'previous_response_not_found', message: `Previous response with id '${answer.id}' not found.` } });
  });

  it("one key never reaches another key's responses", async () => {
    const alice = await gw.generateKey({ key_alias: 'alice-responses' });
    const bob = await gw.generateKey({ key_alias: 'bob-responses' });
    const mine = await client(alice.key).responses.create({ model: 'local-coder', input: 'a secret plan' });
    const before = gw.mock.requests.length;
    await expect(client(bob.key).responses.retrieve(mine.id)).rejects.toMatchObject({ status: 404, error: { code: 'response_not_found' } });
    await expect(client(bob.key).responses.delete(mine.id)).rejects.toMatchObject({ status: 404 });
    await expect(client(bob.key).responses.create({ model: 'local-coder', previous_response_id: mine.id, input: 'tell me' }))
      .rejects.toMatchObject({ status: 400, error: { code: 'previous_response_not_found' } });
    expect(gw.mock.requests.length).toBe(before);
    // The admin key owns only what it made.
    await expect(client().responses.retrieve(mine.id)).rejects.toMatchObject({ status: 404 });
    expect((await client(alice.key).responses.retrieve(mine.id)).id).toBe(mine.id);
  });

  it('continues on a pass-through deployment: the upstream gets the whole history and no previous_response_id', async () => {
    gw.mock.script({ kind: 'ok', content: 'Bonjour.' });
    const first = await client().responses.create({ model: 'local-coder', input: 'Say hello in French.' });
    const sent = responses.requests.length;
    const second = await client().responses.create({ model: 'gpt-5', previous_response_id: first.id, input: 'Now in German.' });
    expect(second.status).toBe('completed');
    const forwarded = responses.requests[sent]?.json as Record<string, unknown>;
    expect(forwarded).not.toHaveProperty('previous_response_id');
    expect(forwarded.input).toMatchObject([
      { type: 'message', role: 'user', content: 'Say hello in French.' },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Bonjour.' }] },
      { type: 'message', role: 'user', content: 'Now in German.' },
    ]);
  });
});
