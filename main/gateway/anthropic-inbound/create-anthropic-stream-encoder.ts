// Encodes a canonical OpenAI chunk stream (StreamOutput, one at a time) as the Anthropic Messages
// SSE stream that Claude Code and @anthropic-ai/sdk parse: message_start, content blocks with
// their indexes, message_delta with stop_reason and full usage, message_stop. Pure and
// synchronous: returns the exact text to write; never does I/O, reads a clock or throws on data.
import type { StreamOutput, TokenUsage } from '../../providers/provider-adapter.js';
import { createTokenCounter } from '../../core/estimate-tokens.js';
import { readOpenAIUsage } from '../../providers/openai-usage.js';
import { isRecord } from '../../providers/parse-json-safely.js';
import { anthropicErrorBody } from './anthropic-error-body.js';
import { syntheticToolUseId } from './convert-openai-to-anthropic-response.js';
import { mapOpenAIFinishReasonToAnthropic } from './map-openai-finish-reason-to-anthropic.js';
import { parseToolArguments } from './parse-tool-arguments.js';
import { toAnthropicUsage, type AnthropicUsage } from './to-anthropic-usage.js';
import { deltaReasoning, readFirstChoice } from '../read-first-choice.js';

export interface AnthropicStreamEncoderOptions {
  /** The model name the client sent; echoed in message_start. */
  requestedModel: string;
  /** `msg_...`, unique per request. */
  messageId: string;
  /** Estimated input tokens (countAnthropicTokens), sent in message_start before upstream usage is known. */
  inputTokensEstimate: number;
}

export interface AnthropicStreamEncoder {
  /** message_start; call as soon as the upstream answered to open the stream early. Idempotent. */
  start(): string;
  /** One translated upstream output. A `done` output ends the message. */
  push(output: StreamOutput): string;
  /** A keep-alive `ping` event (after message_start), e.g. while a local model loads. */
  ping(): string;
  /** The upstream ended: closes what is open and ends the message. Idempotent. */
  finish(): string;
  /** An `error` event ending the stream (Anthropic sends no message_stop after it). */
  error(error: unknown): string;
  /**
   * True once message_stop or an error event has been produced; later calls return ''. A method,
   * not a getter: an object literal's getter would give every encoder a hidden class of its own
   * (test/architecture/no-per-object-getters.test.ts).
   */
  ended(): boolean;
}

type TextKind = 'text' | 'thinking';

interface PendingToolCall {
  id: string;
  name: string;
  args: string;
  /** The OpenAI `index`, which later argument fragments name instead of repeating the id. */
  openaiIndex: number | undefined;
}

/**
 * Usage: Claude Code needs it in both message_start and message_delta (litellm #24176, where an
 * all-zero message_start broke Claude Code 2.1.79). message_start carries the estimate (at least
 * 1) and output_tokens 1, as Anthropic does; message_delta carries the upstream's usage, or the
 * estimate and an estimate of the output (metering/estimate-tokens) when the upstream sent none.
 *
 * Tool calls: each OpenAI tool call becomes one tool_use block (id preserved, or synthesised when
 * the server sent none), emitted whole once the upstream says the call is complete (finish_reason
 * or end of stream), with a single input_json_delta holding valid JSON (parseToolArguments).
 * Anthropic promises clients a parseable input; forwarding fragments as they come would pass a
 * local model's broken or truncated JSON straight into the client's JSON.parse, and OpenAI-format
 * servers may interleave fragments of parallel calls. Text and thinking stream as they arrive.
 */
export function createAnthropicStreamEncoder(options: AnthropicStreamEncoderOptions): AnthropicStreamEncoder {
  const { requestedModel, messageId } = options;
  const inputEstimate = Math.max(1, Math.ceil(options.inputTokensEstimate));
  let started = false;
  let ended = false;
  let nextIndex = 0;
  let open: { kind: TextKind; index: number } | undefined;
  const toolCalls: PendingToolCall[] = [];
  let flushedToolCalls = 0;
  let emittedToolUse = false;
  let finishReason: unknown = null;
  let refused = false;
  let usage: TokenUsage | undefined;
  let canonicalUsage = false;
  // Output the client was sent, for usage when the upstream reports none.
  const outputTokens = createTokenCounter();

  function start(): string {
    if (started || ended) return '';
    started = true;
    return frame('message_start', {
      type: 'message_start',
      message: {
        id: messageId,
        type: 'message',
        role: 'assistant',
        model: requestedModel,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        stop_details: null,
        usage: { input_tokens: inputEstimate, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 },
      },
    });
  }

  function closeOpen(): string {
    if (open === undefined) return '';
    const index = open.index;
    open = undefined;
    return frame('content_block_stop', { type: 'content_block_stop', index });
  }

  function appendText(kind: TextKind, text: string): string {
    if (text === '') return '';
    let out = '';
    if (open?.kind !== kind) {
      out += closeOpen();
      open = { kind, index: nextIndex++ };
      const block = kind === 'text' ? { type: 'text', text: '' } : { type: 'thinking', thinking: '', signature: '' };
      out += frame('content_block_start', { type: 'content_block_start', index: open.index, content_block: block });
    }
    outputTokens.add(text);
    const delta = kind === 'text' ? { type: 'text_delta', text } : { type: 'thinking_delta', thinking: text };
    return out + frame('content_block_delta', { type: 'content_block_delta', index: open.index, delta });
  }

  function collectToolCall(raw: unknown): void {
    if (!isRecord(raw)) return;
    const fn = isRecord(raw.function) ? raw.function : {};
    const id = typeof raw.id === 'string' && raw.id !== '' ? raw.id : undefined;
    const openaiIndex = typeof raw.index === 'number' ? raw.index : undefined;
    let call: PendingToolCall | undefined;
    // By id first: some servers (Ollama) send every complete call at index 0, each with its own id.
    if (id !== undefined) call = toolCalls.find((candidate) => candidate.id === id);
    else if (openaiIndex !== undefined) call = toolCalls.findLast((candidate) => candidate.openaiIndex === openaiIndex);
    else call = toolCalls[toolCalls.length - 1];
    // A call already handed to the client is complete: a late fragment for it is dropped
    // rather than sent as a second tool_use with the same id.
    if (call !== undefined && toolCalls.indexOf(call) < flushedToolCalls) return;
    if (call === undefined) {
      call = { id: id ?? syntheticToolUseId(messageId, toolCalls.length), name: '', args: '', openaiIndex };
      toolCalls.push(call);
    }
    if (call.name === '' && typeof fn.name === 'string') {
      call.name = fn.name;
      outputTokens.add(fn.name);
    }
    const args = typeof fn.arguments === 'string' ? fn.arguments : isRecord(fn.arguments) ? JSON.stringify(fn.arguments) : '';
    call.args += args;
    outputTokens.add(args);
  }

  function flushToolCalls(): string {
    let out = closeOpen();
    for (const call of toolCalls.slice(flushedToolCalls)) {
      // A call without a name cannot be run by any client; there is nothing to hand over.
      if (call.name === '') continue;
      const index = nextIndex++;
      emittedToolUse = true;
      out += frame('content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} },
      });
      const input = JSON.stringify(parseToolArguments(call.args));
      if (input !== '{}') {
        out += frame('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: input } });
      }
      out += frame('content_block_stop', { type: 'content_block_stop', index });
    }
    flushedToolCalls = toolCalls.length;
    return out;
  }

  function pushChunk(chunk: Record<string, unknown>): string {
    // The canonical `usage` output (which knows cache writes) wins over a chunk's OpenAI usage.
    if (!canonicalUsage && chunk.usage !== undefined && chunk.usage !== null) usage = readOpenAIUsage(chunk.usage) ?? usage;
    const first = readFirstChoice(chunk);
    if (first === undefined) return '';
    const { choice, delta } = first;
    let out = '';
    const reasoning = deltaReasoning(delta);
    if (typeof reasoning === 'string') out += appendText('thinking', reasoning);
    if (typeof delta.content === 'string') out += appendText('text', delta.content);
    if (typeof delta.refusal === 'string' && delta.refusal !== '') {
      refused = true;
      out += appendText('text', delta.refusal);
    }
    if (Array.isArray(delta.tool_calls)) for (const call of delta.tool_calls) collectToolCall(call);
    if (choice.finish_reason !== undefined && choice.finish_reason !== null) {
      finishReason = choice.finish_reason;
      // Blocks close now; message_delta waits for the usage chunk that follows the finish chunk.
      out += flushToolCalls();
    }
    return out;
  }

  function finish(): string {
    if (ended) return '';
    const out = start() + flushToolCalls();
    ended = true;
    const stopReason = refused ? 'refusal' : mapOpenAIFinishReasonToAnthropic(finishReason, emittedToolUse);
    const finalUsage: AnthropicUsage =
      usage !== undefined
        ? toAnthropicUsage(usage)
        : { input_tokens: inputEstimate, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: outputTokens.tokens };
    return (
      out +
      frame('message_delta', {
        type: 'message_delta',
        delta: {
          stop_reason: stopReason,
          stop_sequence: null,
          stop_details: stopReason === 'refusal' ? { type: 'refusal', category: null, explanation: null } : null,
        },
        usage: finalUsage,
      }) +
      frame('message_stop', { type: 'message_stop' })
    );
  }

  return {
    start,
    push(output) {
      if (ended) return '';
      switch (output.type) {
        case 'usage':
          usage = output.usage;
          canonicalUsage = true;
          return start();
        case 'done':
          return finish();
        case 'chunk':
          return start() + pushChunk(output.chunk);
      }
    },
    ping() {
      if (ended) return '';
      return start() + frame('ping', { type: 'ping' });
    },
    finish,
    error(error) {
      if (ended) return '';
      ended = true;
      const { error: body } = anthropicErrorBody(error);
      return frame('error', { type: 'error', error: body });
    },
    ended: () => ended,
  };
}

function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
