import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { APIError } from '@anthropic-ai/sdk';
import { GatewayError } from '../../../../main/core/gateway-error.js';
import { readOpenAIUsage } from '../../../../main/providers/openai-usage.js';
import type { StreamOutput } from '../../../../main/providers/provider-adapter.js';
import {
  createAnthropicStreamEncoder,
  type AnthropicStreamEncoder,
} from '../../../../main/gateway/anthropic-inbound/create-anthropic-stream-encoder.js';
import { anthropicClientAnswering, loadFixture, parseAnthropicSse, sseResponse } from './anthropic-sdk-over-fake-fetch.js';

type Chunk = Record<string, unknown>;
const OPTIONS = { requestedModel: 'qwen3-coder', messageId: 'msg_01XyZ', inputTokensEstimate: 3000 };
const SPLIT_TOOL_CALL = 'openai-stream-thinking-text-then-tool-call-split-over-many-deltas.json';
const OLLAMA_PARALLEL = 'openai-stream-ollama-parallel-tool-calls-all-at-index-0-finish-stop-no-usage.json';

/** What an OpenAI-format translator emits for these chunks (see openai-compatible-adapter). */
function asStreamOutputs(chunks: Chunk[], done = true): StreamOutput[] {
  const outputs: StreamOutput[] = [];
  for (const chunk of chunks) {
    const usageOnly = Array.isArray(chunk.choices) && chunk.choices.length === 0 && chunk.usage !== undefined;
    outputs.push({ type: 'chunk', chunk, ...(usageOnly ? { usageOnly: true } : {}) });
    const usage = readOpenAIUsage(chunk.usage);
    if (usage !== undefined) outputs.push({ type: 'usage', usage });
  }
  if (done) outputs.push({ type: 'done' });
  return outputs;
}

const encodeAll = (encoder: AnthropicStreamEncoder, outputs: StreamOutput[]) => outputs.map((output) => encoder.push(output)).join('');
const delta = (d: Chunk, finishReason: string | null = null): StreamOutput => ({
  type: 'chunk',
  chunk: { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: d, finish_reason: finishReason }] },
});

async function sdkFinalMessage(sse: string) {
  const { client } = anthropicClientAnswering(() => sseResponse(sse));
  const stream = client.messages.stream({ model: 'qwen3-coder', max_tokens: 1024, messages: [{ role: 'user', content: 'weather in Zürich?' }] });
  const texts: string[] = [];
  stream.on('text', (text) => texts.push(text));
  const message = await stream.finalMessage();
  return { message, texts };
}

describe('create-anthropic-stream-encoder', () => {
  it('emits the exact Anthropic event sequence for thinking, text and a tool call split over many deltas', () => {
    const sse = encodeAll(createAnthropicStreamEncoder(OPTIONS), asStreamOutputs(loadFixture<Chunk[]>(SPLIT_TOOL_CALL)));
    const events = parseAnthropicSse(sse);
    expect(events.map((e) => [e.event, e.data.index, (e.data.delta as Chunk | undefined)?.type ?? (e.data.content_block as Chunk | undefined)?.type])).toEqual([
      ['message_start', undefined, undefined],
      ['content_block_start', 0, 'thinking'],
      ['content_block_delta', 0, 'thinking_delta'],
      ['content_block_delta', 0, 'thinking_delta'],
      ['content_block_stop', 0, undefined],
      ['content_block_start', 1, 'text'],
      ['content_block_delta', 1, 'text_delta'],
      ['content_block_delta', 1, 'text_delta'],
      ['content_block_stop', 1, undefined],
      ['content_block_start', 2, 'tool_use'],
      ['content_block_delta', 2, 'input_json_delta'],
      ['content_block_stop', 2, undefined],
      ['message_delta', undefined, undefined],
      ['message_stop', undefined, undefined],
    ]);
    expect(events[0]!.data).toEqual({
      type: 'message_start',
      message: {
        id: 'msg_01XyZ',
        type: 'message',
        role: 'assistant',
        model: 'qwen3-coder',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        stop_details: null,
        usage: { input_tokens: 3000, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 },
      },
    });
    expect(events[9]!.data.content_block).toEqual({ type: 'tool_use', id: 'call_7f3a9c', name: 'get_weather', input: {} });
    expect(events[10]!.data.delta).toEqual({ type: 'input_json_delta', partial_json: '{"city":"Zürich","unit":"celsius"}' });
    // Usage in message_delta as well as message_start: Claude Code needs both (litellm #24176).
    expect(events[12]!.data).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null, stop_details: null },
      usage: { input_tokens: 176, cache_creation_input_tokens: 0, cache_read_input_tokens: 1024, output_tokens: 57 },
    });
  });

  it('writes byte for byte the reviewed SSE text pinned in the fixture', () => {
    const sse = encodeAll(createAnthropicStreamEncoder(OPTIONS), asStreamOutputs(loadFixture<Chunk[]>(SPLIT_TOOL_CALL)));
    const pinned = readFileSync(new URL('../../../fixtures/anthropic-inbound/anthropic-sse-thinking-text-then-tool-use.txt', import.meta.url), 'utf8');
    expect(sse).toBe(pinned);
  });

  it('accumulates in the official SDK (read in 7-byte slices that split UTF-8) into the expected message', async () => {
    const encoder = createAnthropicStreamEncoder(OPTIONS);
    const outputs = asStreamOutputs(loadFixture<Chunk[]>(SPLIT_TOOL_CALL));
    // A keep-alive between events must be ignored by the client.
    const sse = encoder.start() + encoder.ping() + encodeAll(encoder, outputs);
    const { message, texts } = await sdkFinalMessage(sse);
    expect(texts).toEqual(['Let me check ', 'the weather 🌍.']);
    expect(message).toMatchObject({
      id: 'msg_01XyZ',
      model: 'qwen3-coder',
      role: 'assistant',
      stop_reason: 'tool_use',
      stop_sequence: null,
      content: [
        { type: 'thinking', thinking: 'The user wants the weather in Zürich.', signature: '' },
        { type: 'text', text: 'Let me check the weather 🌍.' },
        { type: 'tool_use', id: 'call_7f3a9c', name: 'get_weather', input: { city: 'Zürich', unit: 'celsius' } },
      ],
      usage: { input_tokens: 176, cache_creation_input_tokens: 0, cache_read_input_tokens: 1024, output_tokens: 57 },
    });
  });

  it('turns Ollama-style calls that all say index 0 into separate tool_use blocks, and estimates usage it never got', async () => {
    const sse = encodeAll(createAnthropicStreamEncoder(OPTIONS), asStreamOutputs(loadFixture<Chunk[]>(OLLAMA_PARALLEL)));
    const { message } = await sdkFinalMessage(sse);
    expect(message.content).toEqual([
      { type: 'tool_use', id: 'call_a1', name: 'read_file', input: { path: 'a.txt' } },
      { type: 'tool_use', id: 'call_b2', name: 'read_file', input: { path: 'b.txt' } },
    ]);
    // finish_reason "stop" with tool calls is a tool_use turn for the client.
    expect(message.stop_reason).toBe('tool_use');
    // No usage from upstream: the input estimate, and the output estimated as ASCII text: (2 x 9 + 2 x 16) / 4.
    expect(message.usage).toMatchObject({ input_tokens: 3000, output_tokens: 13 });
  });

  it('keeps fragments of interleaved parallel calls apart and synthesises ids a server left out', async () => {
    const encoder = createAnthropicStreamEncoder(OPTIONS);
    const sse = encodeAll(encoder, [
      delta({ tool_calls: [{ index: 0, function: { name: 'a', arguments: '{"x"' } }] }),
      delta({ tool_calls: [{ index: 1, function: { name: 'b', arguments: '{"y"' } }] }),
      delta({ tool_calls: [{ index: 0, function: { arguments: ': 1}' } }] }),
      delta({ tool_calls: [{ index: 1, function: { arguments: ': 2}' } }] }),
      delta({}, 'tool_calls'),
      { type: 'done' },
    ]);
    const { message } = await sdkFinalMessage(sse);
    expect(message.content).toEqual([
      { type: 'tool_use', id: 'toolu_01XyZ_0', name: 'a', input: { x: 1 } },
      { type: 'tool_use', id: 'toolu_01XyZ_1', name: 'b', input: { y: 2 } },
    ]);
  });

  it('hands over broken tool-call JSON whole under _raw_arguments, never as unparseable input', async () => {
    const encoder = createAnthropicStreamEncoder(OPTIONS);
    const sse = encodeAll(encoder, [
      delta({ tool_calls: [{ index: 0, id: 'call_1', function: { name: 'write', arguments: '{"content": "half a fi' } }] }),
      delta({}, 'length'),
      { type: 'done' },
    ]);
    const { message } = await sdkFinalMessage(sse);
    expect(message.content).toEqual([{ type: 'tool_use', id: 'call_1', name: 'write', input: { _raw_arguments: '{"content": "half a fi' } }]);
    expect(message.stop_reason).toBe('max_tokens');
  });

  it('drops a late fragment for a call already handed over instead of repeating its id', () => {
    const encoder = createAnthropicStreamEncoder(OPTIONS);
    const sse = encodeAll(encoder, [
      delta({ tool_calls: [{ index: 0, id: 'call_1', function: { name: 'ls', arguments: '{}' } }] }, 'tool_calls'),
      delta({ tool_calls: [{ index: 0, id: 'call_1', function: { arguments: '{}' } }] }),
      { type: 'done' },
    ]);
    expect(parseAnthropicSse(sse).filter((e) => e.event === 'content_block_start')).toHaveLength(1);
  });

  it('ends a stream that stopped without finish_reason or done when finish() is called', async () => {
    const encoder = createAnthropicStreamEncoder(OPTIONS);
    let sse = encodeAll(encoder, [delta({ role: 'assistant', content: '' }), delta({ content: 'partial answer' })]);
    expect(sse).not.toContain('content_block_stop');
    sse += encoder.finish();
    expect(encoder.ended()).toBe(true);
    expect(encoder.finish()).toBe('');
    expect(encoder.push(delta({ content: 'late' }))).toBe('');
    expect(parseAnthropicSse(sse).map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const { message } = await sdkFinalMessage(sse);
    expect(message.content).toEqual([{ type: 'text', text: 'partial answer' }]);
    expect(message.stop_reason).toBe('end_turn');
  });

  it('opens no block for empty or role-only deltas', () => {
    const encoder = createAnthropicStreamEncoder(OPTIONS);
    const sse = encodeAll(encoder, [delta({ role: 'assistant' }), delta({ content: '' }), delta({ reasoning_content: '' }), { type: 'done' }]);
    expect(parseAnthropicSse(sse).map((e) => e.event)).toEqual(['message_start', 'message_delta', 'message_stop']);
  });

  it('alternates blocks when reasoning resumes after text (interleaved thinking)', () => {
    const encoder = createAnthropicStreamEncoder(OPTIONS);
    const sse = encodeAll(encoder, [delta({ reasoning_content: 'a' }), delta({ content: 'b' }), delta({ reasoning: 'c' }), delta({}, 'stop'), { type: 'done' }]);
    const starts = parseAnthropicSse(sse).filter((e) => e.event === 'content_block_start');
    expect(starts.map((e) => [e.data.index, (e.data.content_block as Chunk).type])).toEqual([[0, 'thinking'], [1, 'text'], [2, 'thinking']]);
  });

  it('sends message_start once, with at least one input token even for a zero estimate', () => {
    const encoder = createAnthropicStreamEncoder({ ...OPTIONS, inputTokensEstimate: 0 });
    const first = encoder.start();
    expect(encoder.start()).toBe('');
    const sse = first + encodeAll(encoder, [delta({ content: 'x' }), { type: 'done' }]);
    const starts = parseAnthropicSse(sse).filter((e) => e.event === 'message_start');
    expect(starts).toHaveLength(1);
    expect(((starts[0]!.data.message as Chunk).usage as Chunk).input_tokens).toBe(1);
  });

  it('takes usage from a final chunk that still has choices when no canonical usage comes (litellm #36168)', () => {
    const encoder = createAnthropicStreamEncoder(OPTIONS);
    const last: StreamOutput = {
      type: 'chunk',
      chunk: {
        choices: [{ index: 0, delta: { content: '!' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 50, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 40 } },
      },
    };
    const events = parseAnthropicSse(encodeAll(encoder, [last, { type: 'done' }]));
    expect(events.find((e) => e.event === 'message_delta')!.data.usage).toEqual({
      input_tokens: 10,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 40,
      output_tokens: 5,
    });
  });

  it('prefers the canonical usage output, which knows cache writes, over the usage chunk', () => {
    const encoder = createAnthropicStreamEncoder(OPTIONS);
    const events = parseAnthropicSse(encodeAll(encoder, [
      delta({ content: 'x' }, 'stop'),
      { type: 'usage', usage: { promptTokens: 900, completionTokens: 3, cachedTokens: 100, cacheCreationTokens: 700, reasoningTokens: 0 } },
      { type: 'chunk', chunk: { choices: [], usage: { prompt_tokens: 900, completion_tokens: 3 } }, usageOnly: true },
      { type: 'done' },
    ]));
    expect(events.find((e) => e.event === 'message_delta')!.data.usage).toEqual({
      input_tokens: 100,
      cache_creation_input_tokens: 700,
      cache_read_input_tokens: 100,
      output_tokens: 3,
    });
  });

  it('reports a refusal as text with stop_reason refusal', () => {
    const encoder = createAnthropicStreamEncoder(OPTIONS);
    const events = parseAnthropicSse(encodeAll(encoder, [delta({ refusal: 'No.' }), delta({}, 'stop'), { type: 'done' }]));
    expect(events.find((e) => e.event === 'content_block_delta')!.data.delta).toEqual({ type: 'text_delta', text: 'No.' });
    expect((events.find((e) => e.event === 'message_delta')!.data.delta as Chunk).stop_reason).toBe('refusal');
  });

  it('ends the stream with an Anthropic error event the SDK raises as an APIError of that type', async () => {
    const encoder = createAnthropicStreamEncoder(OPTIONS);
    const error = new GatewayError('upstream_stalled', 'The upstream stopped sending for 60 s');
    const sse = encodeAll(encoder, [delta({ content: 'Hel' })]) + encoder.error(error);
    expect(sse.endsWith('event: error\ndata: {"type":"error","error":{"type":"timeout_error","message":"The upstream stopped sending for 60 s"}}\n\n')).toBe(true);
    expect(encoder.ended()).toBe(true);
    expect(encoder.finish()).toBe('');
    expect(encoder.error(error)).toBe('');
    const { client } = anthropicClientAnswering(() => sseResponse(sse));
    const thrown = await client.messages.stream({ model: 'qwen3-coder', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }).finalMessage().catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(APIError);
    expect((thrown as APIError).type).toBe('timeout_error');
  });

  it('never puts what an unexpected exception says into the error event', () => {
    const frame = createAnthropicStreamEncoder(OPTIONS).error(new Error('socket hang up at 10.1.2.3'));
    expect(frame).toBe('event: error\ndata: {"type":"error","error":{"type":"api_error","message":"Internal server error"}}\n\n');
  });

  it('sends a ping only after message_start and not after the end', () => {
    const encoder = createAnthropicStreamEncoder(OPTIONS);
    expect(parseAnthropicSse(encoder.ping()).map((e) => e.event)).toEqual(['message_start', 'ping']);
    expect(encoder.ping()).toBe('event: ping\ndata: {"type":"ping"}\n\n');
    encoder.finish();
    expect(encoder.ping()).toBe('');
  });
});
