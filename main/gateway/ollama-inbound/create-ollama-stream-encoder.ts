// Encodes the canonical OpenAI chunk stream as Ollama's NDJSON (/api/chat `message` lines or
// /api/generate `response` lines, then one done:true line with done_reason, counts and
// nanosecond durations), and assembles the same answer as one object for `stream: false`.
// Pure and synchronous: returns the exact text to write; time comes from the injected clocks.
import { createTokenCounter } from '../../core/estimate-tokens.js';
import { readOpenAIUsage } from '../../providers/openai-usage.js';
import { isRecord } from '../../providers/parse-json-safely.js';
import type { StreamOutput, TokenUsage } from '../../providers/provider-adapter.js';
import type { ClientStreamEncoder } from '../relay-stream.js';
import { parseToolArguments } from '../anthropic-inbound/parse-tool-arguments.js';
import { deltaReasoning, readFirstChoice } from '../read-first-choice.js';

type Json = Record<string, unknown>;

export const NDJSON_CONTENT_TYPE = 'application/x-ndjson';

export interface OllamaStreamEncoderOptions {
  /** The model name the client sent: every line carries it. */
  model: string;
  /** /api/chat answers in `message`, /api/generate in `response`. */
  kind: 'chat' | 'generate';
  /** Wall clock, epoch ms: `created_at`. */
  now: () => number;
  /** Monotonic ms: the durations. */
  monotonic: () => number;
  /** Monotonic ms when the request arrived: total_duration counts from here. */
  startedAt: number;
  /** Prompt tokens to report when the upstream reports none. */
  estimateInputTokens: () => number;
}

export interface OllamaStreamEncoder extends ClientStreamEncoder {
  /** The whole answer as one done:true object (stream: false), after everything was pushed. */
  answer(): Json;
}

interface PendingToolCall {
  id: string | undefined;
  index: number | undefined;
  name: string;
  args: string;
}

/**
 * Text and thinking go out as they arrive, one line per chunk. Tool calls are buffered and sent
 * once, complete, in one line when the upstream finishes them (finish_reason or end of stream):
 * Ollama's clients read `arguments` as a JSON object, and OpenAI streams it as string fragments.
 * Arguments that do not parse as an object are handed over as `{"_raw_arguments": "<text>"}`
 * (parseToolArguments): the client's tool then fails naming the key and the model sees what it
 * sent, where dropping them to {} would run the tool with nothing. A stream that breaks ends with
 * one `{"error": ...}` line and no done line; buffered calls are not sent (they may be cut short).
 */
export function createOllamaStreamEncoder(options: OllamaStreamEncoderOptions): OllamaStreamEncoder {
  const { model, kind } = options;
  const toolCalls: PendingToolCall[] = [];
  const sentToolCalls: Json[] = [];
  let flushed = 0;
  let content = '';
  let thinking = '';
  let finishReason: unknown = null;
  let usage: TokenUsage | undefined;
  let canonicalUsage = false;
  let firstOutputAt: number | undefined;
  let ended = false;
  const outputTokens = createTokenCounter();

  const modelJson = JSON.stringify(model);
  // Lines of one stream mostly share their millisecond: its ISO text is made once.
  let stampedAt: number | undefined;
  let stamp = '';
  const createdAt = () => {
    const now = options.now();
    if (now !== stampedAt) {
      stampedAt = now;
      stamp = new Date(now).toISOString();
    }
    return stamp;
  };
  const line = (fields: Json): string => `${JSON.stringify({ model, created_at: createdAt(), ...fields })}\n`;
  // A text delta's line, most of a stream, written as text: the same bytes as line(), without two
  // spreads into new objects for JSON.stringify to walk.
  const textLine = (text: string): string =>
    kind === 'chat'
      ? `{"model":${modelJson},"created_at":"${createdAt()}","message":{"role":"assistant","content":${JSON.stringify(text)}},"done":false}\n`
      : `{"model":${modelJson},"created_at":"${createdAt()}","response":${JSON.stringify(text)},"done":false}\n`;
  const body = (text: string, think: string | undefined, calls: Json[] | undefined): Json => {
    if (kind === 'generate') return think === undefined ? { response: text } : { response: text, thinking: think };
    const message: Json = { role: 'assistant', content: text };
    if (think !== undefined) message.thinking = think;
    if (calls !== undefined) message.tool_calls = calls;
    return { message };
  };
  const sawOutput = () => {
    firstOutputAt ??= options.monotonic();
  };

  function collect(raw: unknown): void {
    if (!isRecord(raw)) return;
    const fn = isRecord(raw.function) ? raw.function : {};
    const id = typeof raw.id === 'string' && raw.id !== '' ? raw.id : undefined;
    const index = typeof raw.index === 'number' ? raw.index : undefined;
    const open = toolCalls.slice(flushed);
    // By id first: some servers send every complete call at index 0, each with its own id.
    let call = id !== undefined ? open.find((c) => c.id === id) : index !== undefined ? open.findLast((c) => c.index === index) : open.at(-1);
    if (call === undefined) {
      call = { id, index, name: '', args: '' };
      toolCalls.push(call);
    }
    if (call.name === '' && typeof fn.name === 'string') call.name = fn.name;
    const args = typeof fn.arguments === 'string' ? fn.arguments : isRecord(fn.arguments) ? JSON.stringify(fn.arguments) : '';
    call.args += args;
    outputTokens.add(args);
  }

  function flushToolCalls(): string {
    const calls = toolCalls.slice(flushed)
      // A call without a name cannot be run by any client: nothing to hand over.
      .filter((call) => call.name !== '')
      .map((call) => ({ function: { name: call.name, arguments: parseToolArguments(call.args) } }));
    flushed = toolCalls.length;
    if (calls.length === 0 || kind !== 'chat') return '';
    sentToolCalls.push(...calls);
    return line({ ...body('', undefined, calls), done: false });
  }

  function pushChunk(chunk: Json): string {
    if (!canonicalUsage && chunk.usage !== undefined && chunk.usage !== null) usage = readOpenAIUsage(chunk.usage) ?? usage;
    const first = readFirstChoice(chunk);
    if (first === undefined) return '';
    const { choice, delta } = first;
    let out = '';
    const reasoning = deltaReasoning(delta);
    if (typeof reasoning === 'string' && reasoning !== '') {
      sawOutput();
      thinking += reasoning;
      outputTokens.add(reasoning);
      out += line({ ...body('', reasoning, undefined), done: false });
    }
    const text = typeof delta.content === 'string' ? delta.content : typeof delta.refusal === 'string' ? delta.refusal : '';
    if (text !== '') {
      sawOutput();
      content += text;
      outputTokens.add(text);
      out += textLine(text);
    }
    if (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) {
      sawOutput();
      for (const call of delta.tool_calls) collect(call);
    }
    if (choice.finish_reason !== undefined && choice.finish_reason !== null) {
      finishReason = choice.finish_reason;
      out += flushToolCalls();
    }
    return out;
  }

  /** The done:true fields: Ollama's reason, token counts and nanosecond durations. */
  function doneFields(whole: boolean): Json {
    const end = options.monotonic();
    // A whole answer (stream: false) arrives at once: when its first token came is unknown, so
    // all of its time counts as evaluation (clients divide eval_count by eval_duration).
    const first = whole ? options.startedAt : firstOutputAt ?? end;
    const ns = (ms: number) => Math.max(0, Math.round(ms * 1e6));
    return {
      done: true,
      done_reason: finishReason === 'length' ? 'length' : 'stop',
      total_duration: ns(end - options.startedAt),
      // Switchboard cannot see a model load (a local server's prefill includes it): counted as prompt evaluation.
      load_duration: 0,
      prompt_eval_count: usage?.promptTokens ?? Math.max(0, Math.ceil(options.estimateInputTokens())),
      prompt_eval_duration: ns(first - options.startedAt),
      eval_count: usage?.completionTokens ?? outputTokens.tokens,
      eval_duration: ns(end - first),
    };
  }

  return {
    contentType: NDJSON_CONTENT_TYPE,
    start: () => '',
    push(output: Extract<StreamOutput, { type: 'chunk' | 'usage' }>): string {
      if (ended) return '';
      if (output.type === 'usage') {
        usage = output.usage;
        canonicalUsage = true;
        return '';
      }
      return pushChunk(output.chunk);
    },
    finish(): string {
      if (ended) return '';
      const out = flushToolCalls();
      ended = true;
      return out + line({ ...body('', undefined, undefined), ...doneFields(false) });
    },
    error(error): string {
      if (ended) return '';
      ended = true;
      return `${JSON.stringify({ error: error.message })}\n`;
    },
    answer(): Json {
      flushToolCalls();
      ended = true;
      const answer = body(content, thinking === '' ? undefined : thinking, sentToolCalls.length === 0 ? undefined : sentToolCalls);
      return { model, created_at: createdAt(), ...answer, ...doneFields(true) };
    },
  };
}
