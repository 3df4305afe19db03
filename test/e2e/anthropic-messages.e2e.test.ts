import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { createMockUpstream, sseFrame, SSE_DONE_FRAME, type MockUpstream, type RecordedRequest } from '../support/mock-upstream.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

let upstream: MockUpstream;
let gateway: TestGateway;
const MASTER = 'sk-master-anthropic-smoke';

beforeAll(async () => {
  upstream = await createMockUpstream();
  gateway = await startTestGateway(
    `model_list:\n  - model_name: local-qwen\n    litellm_params: { model: openai/qwen, api_base: "${upstream.url}/v1", api_key: sk-up }\n  - model_name: ollama-qwen\n    litellm_params: { model: ollama_chat/qwen, api_base: "${upstream.url}" }\n` +
      // Claude Code asks for a Claude model by name; this config serves that name with a local model.
      `  - model_name: claude-sonnet-4-5-20250929\n    litellm_params: { model: openai/qwen3-coder:30b, api_base: "${upstream.url}/v1", api_key: sk-up }\n`,
    { listen: true, masterKey: MASTER },
  );
});
afterAll(async () => {
  await gateway.close();
  await upstream.close();
});

describe('/v1/messages with the official Anthropic SDK', () => {
  const client = () => new Anthropic({ baseURL: gateway.url, apiKey: MASTER, maxRetries: 0 });

  it.each(['local-qwen', 'ollama-qwen'])('answers a non-stream message through %s', async (model) => {
    upstream.script({ kind: 'ok', content: 'Hello from upstream' });
    const message = await client().messages.create({ model, max_tokens: 100, system: 'be brief', messages: [{ role: 'user', content: 'hi' }] });
    expect(message.type).toBe('message');
    expect(message.content).toHaveLength(1);
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Hello from upstream' });
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.input_tokens).toBeGreaterThan(0);
  });

  it.each(['local-qwen', 'ollama-qwen'])('streams a message through %s as proper Anthropic events', async (model) => {
    upstream.script({ kind: 'ok', chunks: ['Hel', 'lo ', 'world'] });
    const stream = client().messages.stream({ model, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    const deltas: string[] = [];
    stream.on('text', (text) => deltas.push(text));
    const final = await stream.finalMessage();
    expect(deltas.join('')).toBe('Hello world');
    expect(deltas.length).toBeGreaterThan(1);
    expect(final.content[0]).toMatchObject({ type: 'text', text: 'Hello world' });
    expect(final.usage.output_tokens).toBeGreaterThan(0);
  });

  it('answers errors in Anthropic shape', async () => {
    const bad = new Anthropic({ baseURL: gateway.url, apiKey: 'sk-wrong', maxRetries: 0 });
    await expect(bad.messages.create({ model: 'local-qwen', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({
      status: 401,
      error: { type: 'error', error: { type: 'authentication_error' } },
    });
    await expect(client().messages.create({ model: 'nope', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ status: 404 });
  });

  it('counts tokens without calling the upstream', async () => {
    const before = upstream.requests.length;
    const count = await client().messages.countTokens({ model: 'local-qwen', messages: [{ role: 'user', content: 'hello there' }] });
    expect(count.input_tokens).toBeGreaterThan(0);
    expect(upstream.requests.length).toBe(before);
  });
});

const WEATHER_TOOL: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

/** The upstream requests a test caused, from `from` on. */
function upstreamSince(from: number): RecordedRequest[] {
  return upstream.requests.slice(from);
}

describe('a full tool-use round trip with the official Anthropic SDK', () => {
  const client = () => new Anthropic({ baseURL: gateway.url, apiKey: MASTER, maxRetries: 0 });
  const cases = [
    { model: 'local-qwen', wire: 'openai', stream: false },
    { model: 'local-qwen', wire: 'openai', stream: true },
    { model: 'ollama-qwen', wire: 'ollama', stream: false },
    { model: 'ollama-qwen', wire: 'ollama', stream: true },
  ] as const;

  it.each(cases)('tool_use, then tool_result, then text through $model (stream: $stream)', async ({ model, wire, stream }) => {
    const ask = (params: Anthropic.MessageCreateParamsNonStreaming) =>
      stream ? client().messages.stream(params).finalMessage() : client().messages.create(params);
    const question: Anthropic.MessageParam = { role: 'user', content: 'What is the weather in Paris?' };
    const from = upstream.requests.length;

    upstream.script({ kind: 'ok', toolCalls: [{ id: 'call_weather_1', name: 'get_weather', arguments: { city: 'Paris' } }] });
    const first = await ask({ model, max_tokens: 200, tools: [WEATHER_TOOL], messages: [question] });
    expect(first.stop_reason).toBe('tool_use');
    const toolUse = first.content.find((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use');
    expect(toolUse).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: 'Paris' } });
    // OpenAI-format upstreams name their calls: the id survives. Ollama does not: the gateway gives one.
    if (wire === 'openai') expect(toolUse?.id).toBe('call_weather_1');
    else expect(toolUse?.id).toMatch(/^\S+$/);

    upstream.script({ kind: 'ok', content: 'It is 18°C and sunny in Paris.' });
    const second = await ask({
      model,
      max_tokens: 200,
      tools: [WEATHER_TOOL],
      messages: [
        question,
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse?.id ?? '', content: '18°C, sunny' }] },
      ],
    });
    expect(second.stop_reason).toBe('end_turn');
    expect(second.content).toEqual([expect.objectContaining({ type: 'text', text: 'It is 18°C and sunny in Paris.' })]);

    const sent = upstreamSince(from);
    expect(sent).toHaveLength(2);
    const firstBody = sent[0]?.json as Record<string, unknown>;
    expect(firstBody.tools).toEqual([
      { type: 'function', function: { name: 'get_weather', description: 'Current weather for a city', parameters: WEATHER_TOOL.input_schema } },
    ]);
    const history = (sent[1]?.json as { messages: Record<string, unknown>[] }).messages;
    if (wire === 'openai') {
      expect(sent[1]?.path).toBe('/v1/chat/completions');
      expect(history).toContainEqual(expect.objectContaining({
        role: 'assistant',
        tool_calls: [{ id: 'call_weather_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
      }));
      expect(history).toContainEqual({ role: 'tool', tool_call_id: 'call_weather_1', content: '18°C, sunny' });
    } else {
      expect(sent[1]?.path).toBe('/api/chat');
      expect(history).toContainEqual(expect.objectContaining({
        role: 'assistant',
        tool_calls: [expect.objectContaining({ function: expect.objectContaining({ name: 'get_weather', arguments: { city: 'Paris' } }) })],
      }));
      expect(history).toContainEqual(expect.objectContaining({ role: 'tool', content: '18°C, sunny' }));
    }
  });
});

const INBOUND_FIXTURES = new URL('../fixtures/anthropic-inbound/', import.meta.url);
function inboundFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, INBOUND_FIXTURES), 'utf8')) as T;
}

describe('a Claude Code request to a local OpenAI-format model', () => {
  it('goes through (system array with cache_control, tools, thinking, stream) and comes back as an Anthropic stream the SDK accepts', async () => {
    // The request Claude Code sends (system blocks with cache_control, tools, thinking enabled,
    // a tool_use/tool_result history, stream), and a local model answering with reasoning, text
    // and a tool call whose arguments arrive over many deltas.
    const request = inboundFixture<Anthropic.MessageCreateParamsStreaming>('claude-code-request-system-array-thinking-tools-round-trip.json');
    const chunks = inboundFixture<Record<string, unknown>[]>('openai-stream-thinking-text-then-tool-call-split-over-many-deltas.json');
    upstream.script({
      kind: 'raw',
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
        res.end(chunks.map((chunk) => sseFrame(chunk)).join('') + SSE_DONE_FRAME);
      },
    });
    const from = upstream.requests.length;
    const client = new Anthropic({ baseURL: gateway.url, apiKey: MASTER, maxRetries: 0 });
    const { stream: _stream, ...params } = request;
    const stream = client.messages.stream(params, {
      headers: { 'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14' },
    });
    const events: Anthropic.MessageStreamEvent[] = [];
    stream.on('streamEvent', (event) => events.push(event));
    const final = await stream.finalMessage();

    // What the SDK assembled.
    expect(final.content).toEqual([
      expect.objectContaining({ type: 'thinking', thinking: 'The user wants the weather in Zürich.' }),
      expect.objectContaining({ type: 'text', text: 'Let me check the weather 🌍.' }),
      expect.objectContaining({ type: 'tool_use', id: 'call_7f3a9c', name: 'get_weather', input: { city: 'Zürich', unit: 'celsius' } }),
    ]);
    expect(final.stop_reason).toBe('tool_use');
    expect(final.model).toBe('claude-sonnet-4-5-20250929');
    expect(final.usage).toMatchObject({ output_tokens: 57, cache_read_input_tokens: 1024, input_tokens: 176 });

    // A valid event sequence: message_start (with usage) first, blocks opened and closed in order,
    // message_delta with usage, message_stop last (litellm #24176 broke Claude Code on these).
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
    expect(types.at(-2)).toBe('message_delta');
    const start = events[0] as Anthropic.RawMessageStartEvent;
    expect(start.message.usage.input_tokens).toBeGreaterThan(0);
    const open: number[] = [];
    for (const event of events) {
      if (event.type === 'content_block_start') open.push(event.index);
      if (event.type === 'content_block_delta') expect(open.at(-1)).toBe(event.index);
      if (event.type === 'content_block_stop') expect(open.at(-1)).toBe(event.index);
    }
    expect(open).toEqual([0, 1, 2]);

    // What the local model received: OpenAI chat, the system blocks joined first, no
    // Anthropic-only fields, the tools as functions, the history's tool ids intact.
    const sent = upstreamSince(from);
    expect(sent).toHaveLength(1);
    const body = sent[0]?.json as Record<string, unknown> & { messages: Record<string, unknown>[] };
    expect(sent[0]?.path).toBe('/v1/chat/completions');
    expect(sent[0]?.headers.authorization).toBe('Bearer sk-up');
    expect(sent[0]?.headers['anthropic-beta']).toBeUndefined();
    expect(body.model).toBe('qwen3-coder:30b');
    expect(body.stream).toBe(true);
    expect(body.stream_options).toEqual({ include_usage: true });
    expect(body.messages[0]).toEqual({
      role: 'system',
      content: "You are Claude Code, Anthropic's official CLI for Claude.\n\nYou are an interactive CLI tool that helps users with software engineering tasks.\n\n# Tone and style\nBe concise.",
    });
    expect(sent[0]?.body).not.toContain('cache_control');
    expect(sent[0]?.body).not.toContain('context_management');
    expect((body.tools as { function: { name: string } }[]).map((t) => t.function.name)).toEqual(['Bash', 'TodoWrite', 'mcp__ide__getDiagnostics']);
    expect(body.messages).toContainEqual(expect.objectContaining({ role: 'tool', tool_call_id: 'toolu_01A09q90qw90lq917835lq9' }));
    expect(body.messages).toContainEqual(expect.objectContaining({ role: 'tool', tool_call_id: 'toolu_01B7yN3mXq2Vd8pR6sT4uW1z' }));
    expect(body.reasoning_effort).toBeDefined();
  });
});

describe('how Claude Code reaches the gateway', () => {
  const client = () => new Anthropic({ baseURL: gateway.url, apiKey: MASTER, maxRetries: 0 });

  it('follows the active model through the switchboard/active alias', async () => {
    const from = upstream.requests.length;
    upstream.script({ kind: 'ok', content: 'from the active model' });
    const message = await client().messages.create({ model: 'switchboard/active', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'from the active model' });
    expect(message.model).toBe('switchboard/active');
    // The first configured group is active until someone picks another.
    expect(upstreamSince(from)[0]?.json).toMatchObject({ model: 'qwen' });
  });

  it('accepts the beta Messages API (betas as anthropic-beta) and the ?beta=true query Claude Code adds', async () => {
    upstream.script({ kind: 'ok', content: 'beta ok' });
    const beta = await client().beta.messages.create({
      model: 'local-qwen',
      max_tokens: 50,
      betas: ['interleaved-thinking-2025-05-14'],
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(beta.content[0]).toMatchObject({ type: 'text', text: 'beta ok' });

    upstream.script({ kind: 'ok', content: 'query ok' });
    const response = await fetch(`${gateway.url}/v1/messages?beta=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${MASTER}`, 'anthropic-version': '2023-06-01', 'anthropic-beta': 'claude-code-20250219' },
      body: JSON.stringify({ model: 'local-qwen', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ type: 'message', content: [{ type: 'text', text: 'query ok' }] });
  });
});
