// OpenAI wire format for the mock upstream: response bodies and stream chunks for
// /chat/completions, /completions, /embeddings, /models and errors, as plain objects.
// Pure builders: they never touch a socket; field names and order follow OpenAI's API reference
// (see the sources cited in mock-upstream.ts).
import type { MockAnswer, ResolvedToolCall } from './mock-answer.js';

export interface OpenAIWireContext {
  /** e.g. chatcmpl-mock-0; every chunk of one stream carries the same id. */
  id: string;
  /** Unix seconds; every chunk of one stream carries the same value. */
  created: number;
}

export const SYSTEM_FINGERPRINT = 'fp_mock';

/** How a chunk carries usage: omitted (include_usage not asked), null (asked, not the last chunk), or the totals. */
export type ChunkUsage = 'absent' | null | Record<string, unknown>;

export function openAIUsage(usage: NonNullable<MockAnswer['usage']>): Record<string, unknown> {
  return {
    prompt_tokens: usage.prompt,
    completion_tokens: usage.completion,
    total_tokens: usage.prompt + usage.completion,
    prompt_tokens_details: { cached_tokens: usage.cached, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** One chat.completion.chunk; `choices` is [] for the usage-only chunk. */
export function buildOpenAIChunk(
  ctx: OpenAIWireContext,
  model: string,
  choices: Record<string, unknown>[],
  usage: ChunkUsage = 'absent',
): Record<string, unknown> {
  const chunk: Record<string, unknown> = {
    id: ctx.id,
    object: 'chat.completion.chunk',
    created: ctx.created,
    model,
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices,
  };
  if (usage !== 'absent') chunk.usage = usage;
  return chunk;
}

function chatChoice(delta: Record<string, unknown>, finishReason: string | null): Record<string, unknown> {
  return { index: 0, delta, logprobs: null, finish_reason: finishReason };
}

function toolCallMessage(call: ResolvedToolCall): Record<string, unknown> {
  return { id: call.id, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.arguments) } };
}

/** A non-stream chat.completion body. */
export function openAIChatCompletion(answer: MockAnswer, ctx: OpenAIWireContext): Record<string, unknown> {
  const onlyTools = answer.toolCalls.length > 0 && answer.chunks.length === 0;
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: onlyTools ? null : answer.content,
    refusal: null,
  };
  if (answer.toolCalls.length > 0) message.tool_calls = answer.toolCalls.map(toolCallMessage);
  const body: Record<string, unknown> = {
    id: ctx.id,
    object: 'chat.completion',
    created: ctx.created,
    model: answer.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: answer.finishReason }],
  };
  if (answer.usage !== null) body.usage = openAIUsage(answer.usage);
  body.system_fingerprint = SYSTEM_FINGERPRINT;
  return body;
}

export interface OpenAIStream {
  /** Chunks carrying the answer: the role chunk, content deltas, tool-call deltas. */
  payloads: Record<string, unknown>[];
  /** Chunks that end the stream: the finish_reason chunk, the usage chunk if any, then '[DONE]'. */
  terminal: (Record<string, unknown> | '[DONE]')[];
}

/**
 * The chunks of a streamed chat completion. With include_usage every chunk carries
 * "usage": null and a last chunk with choices [] carries the totals (unless the answer has no usage).
 */
export function openAIChatStream(answer: MockAnswer, ctx: OpenAIWireContext, includeUsage: boolean): OpenAIStream {
  const usageField: ChunkUsage = includeUsage && answer.usage !== null ? null : 'absent';
  const chunk = (choices: Record<string, unknown>[]) => buildOpenAIChunk(ctx, answer.model, choices, usageField);
  const payloads: Record<string, unknown>[] = [];
  const onlyTools = answer.toolCalls.length > 0 && answer.chunks.length === 0;
  // OpenAI opens with the role; a tool-only answer opens with content null and the first call's header.
  const first: Record<string, unknown> = { role: 'assistant', content: onlyTools ? null : '', refusal: null };
  const headers = answer.toolCalls.map((call, index) => ({
    index,
    id: call.id,
    type: 'function',
    function: { name: call.name, arguments: '' },
  }));
  if (onlyTools) first.tool_calls = headers.slice(0, 1);
  payloads.push(chunk([chatChoice(first, null)]));
  for (const text of answer.chunks) payloads.push(chunk([chatChoice({ content: text }, null)]));
  answer.toolCalls.forEach((call, index) => {
    if (!(onlyTools && index === 0)) payloads.push(chunk([chatChoice({ tool_calls: [headers[index]] }, null)]));
    for (const fragment of call.argumentChunks) {
      payloads.push(chunk([chatChoice({ tool_calls: [{ index, function: { arguments: fragment } }] }, null)]));
    }
  });
  const terminal: OpenAIStream['terminal'] = [chunk([chatChoice({}, answer.finishReason)])];
  if (usageField === null && answer.usage !== null) {
    terminal.push(buildOpenAIChunk(ctx, answer.model, [], openAIUsage(answer.usage)));
  }
  terminal.push('[DONE]');
  return { payloads, terminal };
}

/** A non-stream legacy text_completion body. */
export function openAICompletion(answer: MockAnswer, ctx: OpenAIWireContext): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: ctx.id,
    object: 'text_completion',
    created: ctx.created,
    model: answer.model,
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices: [{ text: answer.content, index: 0, logprobs: null, finish_reason: answer.finishReason }],
  };
  if (answer.usage !== null) {
    body.usage = {
      prompt_tokens: answer.usage.prompt,
      completion_tokens: answer.usage.completion,
      total_tokens: answer.usage.prompt + answer.usage.completion,
    };
  }
  return body;
}

/** The chunks of a streamed legacy completion: text_completion objects, same usage rules as chat. */
export function openAICompletionStream(answer: MockAnswer, ctx: OpenAIWireContext, includeUsage: boolean): OpenAIStream {
  const withUsage = includeUsage && answer.usage !== null;
  const chunk = (text: string, finishReason: string | null, usage: ChunkUsage): Record<string, unknown> => {
    const c: Record<string, unknown> = {
      id: ctx.id,
      object: 'text_completion',
      created: ctx.created,
      model: answer.model,
      system_fingerprint: SYSTEM_FINGERPRINT,
      choices: [{ text, index: 0, logprobs: null, finish_reason: finishReason }],
    };
    if (usage !== 'absent') c.usage = usage;
    return c;
  };
  const usageField: ChunkUsage = withUsage ? null : 'absent';
  const payloads = answer.chunks.map((text) => chunk(text, null, usageField));
  const terminal: OpenAIStream['terminal'] = [chunk('', answer.finishReason, usageField)];
  if (withUsage && answer.usage !== null) {
    terminal.push({
      id: ctx.id,
      object: 'text_completion',
      created: ctx.created,
      model: answer.model,
      system_fingerprint: SYSTEM_FINGERPRINT,
      choices: [],
      usage: {
        prompt_tokens: answer.usage.prompt,
        completion_tokens: answer.usage.completion,
        total_tokens: answer.usage.prompt + answer.usage.completion,
      },
    });
  }
  terminal.push('[DONE]');
  return { payloads, terminal };
}

/** A deterministic 4-dimensional vector for input #i. */
export function mockVector(i: number): number[] {
  return [0.25 * (i + 1), -0.5, 0.125, 1 / (i + 2)];
}

/** Float32 little-endian bytes in base64, which is what OpenAI returns for encoding_format "base64". */
export function vectorToBase64(vector: number[]): string {
  const floats = Float32Array.from(vector);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64');
}

export function openAIEmbeddings(
  inputCount: number,
  model: string,
  promptTokens: number,
  encodingFormat: 'float' | 'base64',
): Record<string, unknown> {
  const data = Array.from({ length: inputCount }, (_, index) => ({
    object: 'embedding',
    index,
    embedding: encodingFormat === 'base64' ? vectorToBase64(mockVector(index)) : mockVector(index),
  }));
  return { object: 'list', data, model, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } };
}

export function openAIModels(models: string[], created: number): Record<string, unknown> {
  return { object: 'list', data: models.map((id) => ({ id, object: 'model', created, owned_by: 'system' })) };
}

/** OpenAI's error envelope, with the type/code OpenAI uses for common statuses. */
export function openAIError(status: number, message?: string): Record<string, unknown> {
  const [type, code] =
    status === 401
      ? ['invalid_request_error', 'invalid_api_key']
      : status === 403
        ? ['invalid_request_error', 'unsupported_country_region_territory']
        : status === 404
          ? ['invalid_request_error', 'model_not_found']
          : status === 429
            ? ['requests', 'rate_limit_exceeded']
            : status >= 500
              ? ['server_error', null]
              : ['invalid_request_error', null];
  return { error: { message: message ?? `Mock upstream error (HTTP ${status}).`, type, param: null, code } };
}
