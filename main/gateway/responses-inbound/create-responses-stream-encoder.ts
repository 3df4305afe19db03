// Encodes a canonical OpenAI chunk stream (StreamOutput, one at a time) as the Responses API event
// stream Codex's parser and the openai SDK accept: response.created / in_progress, each output
// item added -> deltas -> done (with the whole item), then exactly one terminal event:
// response.completed, response.incomplete (truncated) or response.failed (the upstream broke).
// Every event has `type` and a strictly increasing `sequence_number`. Pure and synchronous:
// returns the text to write; never does I/O, reads a clock or throws on what a model sent.
import type { StreamOutput, TokenUsage } from '../../providers/provider-adapter.js';
import { createTokenCounter } from '../../core/estimate-tokens.js';
import { readOpenAIUsage } from '../../providers/openai-usage.js';
import { isRecord } from '../../providers/parse-json-safely.js';
import type { ClientStreamEncoder } from '../relay-stream.js';
import type { ResponseState, ResponsesEnvelope } from './create-responses-envelope.js';
import { encodeReasoningContent, toThinkingBlock, type ThinkingBlock } from './reasoning-encrypted-content.js';
import { callItemKind, openCallItem, toResponsesCallItem, unwrapCustomInput, type CallItemKind } from './to-responses-call-item.js';
import type { ToolOrigins } from './responses-tool-origin.js';
import { toResponsesError } from './to-responses-error.js';
import { toResponsesUsage } from './to-responses-usage.js';
import { deltaReasoning, readFirstChoice } from '../read-first-choice.js';

type Json = Record<string, unknown>;

export interface ResponsesStreamEncoderOptions {
  envelope: ResponsesEnvelope;
  toolOrigins: ToolOrigins;
  /** Input tokens to report when the upstream sent no usage; called only then. */
  estimateInputTokens(): number;
  /**
   * Called once with the final response object of a completed (or incomplete) response, before
   * its terminal event is returned: the place to keep it for a later `previous_response_id`.
   */
  onCompleted?(response: Json): void;
  /**
   * No event text: every call returns ''. For a non-stream answer, replayed through the encoder
   * only for the items and usage it ends with (`finalState`); its events were built and thrown away.
   */
  silent?: boolean;
}

export interface ResponsesStreamEncoder extends ClientStreamEncoder {
  push(output: StreamOutput): string;
  /** A response.in_progress event: keeps a client's idle timer alive before the first content. */
  keepAlive(): string;
  // Methods, not getters: an object literal's getters would give every encoder a hidden class of
  // its own (test/architecture/no-per-object-getters.test.ts).
  /** True once the terminal event has been produced; later calls return ''. */
  ended(): boolean;
  /** The response as it ended (completed, incomplete or failed); undefined before the end. */
  finalState(): ResponseState | undefined;
}

interface MessagePart {
  kind: 'output_text' | 'refusal';
  text: string;
}

interface OpenMessage {
  index: number;
  id: string;
  parts: MessagePart[];
  /** The part receiving deltas; undefined between parts. */
  open: MessagePart | undefined;
}

interface OpenReasoning {
  index: number;
  id: string;
  text: string;
  summaryOpen: boolean;
  blocks: ThinkingBlock[];
}

interface ToolCall {
  /** Output index once announced (the name is known); undefined before. */
  index: number | undefined;
  itemId: string;
  callId: string;
  name: string;
  args: string;
  kind: CallItemKind;
  /** The OpenAI `index`, which later argument fragments name instead of repeating the id. */
  openaiIndex: number | undefined;
  closed: boolean;
}

export function createResponsesStreamEncoder(options: ResponsesStreamEncoderOptions): ResponsesStreamEncoder {
  const { envelope, toolOrigins, silent = false } = options;
  const base = envelope.id.replace(/^resp_/, '');
  let sequence = 0;
  let started = false;
  let ended = false;
  let nextIndex = 0;
  let itemCount = 0;
  /** Finished items by output index. */
  const finished: Json[] = [];
  let message: OpenMessage | undefined;
  let reasoning: OpenReasoning | undefined;
  const calls: ToolCall[] = [];
  let finishReason: unknown = null;
  let usage: TokenUsage | undefined;
  let canonicalUsage = false;
  let finalState: ResponseState | undefined;
  const outputTokens = createTokenCounter();

  const newItemId = (prefix: string) => `${prefix}_${base}_${itemCount++}`;

  // `fields` never holds `type` or `sequence_number`, and never is empty: its JSON goes after them
  // as text (spreading it into a new object cost more than serialising it).
  function event(type: string, fields: Json): string {
    if (silent) return '';
    return `event: ${type}\ndata: {"type":"${type}","sequence_number":${sequence++},${JSON.stringify(fields).slice(1)}\n\n`;
  }

  function lifecycle(type: string, state: ResponseState): string {
    if (silent) return '';
    return `event: ${type}\ndata: {"type":"${type}","sequence_number":${sequence++},"response":${envelope.json(state)}}\n\n`;
  }

  function outputSoFar(): Json[] {
    return finished.filter((item) => item !== undefined);
  }

  function start(): string {
    if (started || ended) return '';
    started = true;
    const state: ResponseState = { status: 'in_progress', output: [], usage: null };
    return lifecycle('response.created', state) + lifecycle('response.in_progress', state);
  }

  function added(index: number, item: Json): string {
    return event('response.output_item.added', { output_index: index, item });
  }

  function done(index: number, item: Json): string {
    finished[index] = item;
    return event('response.output_item.done', { output_index: index, item });
  }

  // --- message (text and refusal parts) ---

  function closePart(): string {
    if (message === undefined || message.open === undefined) return '';
    const part = message.open;
    message.open = undefined;
    const contentIndex = message.parts.length - 1;
    const common = { item_id: message.id, output_index: message.index, content_index: contentIndex };
    const whole = partObject(part);
    return part.kind === 'output_text'
      ? event('response.output_text.done', { ...common, text: part.text, logprobs: [] }) + event('response.content_part.done', { ...common, part: whole })
      : event('response.refusal.done', { ...common, refusal: part.text }) + event('response.content_part.done', { ...common, part: whole });
  }

  function closeMessage(status: 'completed' | 'incomplete'): string {
    if (message === undefined) return '';
    const out = closePart();
    const closing = message;
    message = undefined;
    return out + done(closing.index, { id: closing.id, type: 'message', role: 'assistant', status, content: closing.parts.map(partObject) });
  }

  function appendToMessage(kind: MessagePart['kind'], text: string): string {
    if (text === '') return '';
    let out = closeReasoning() + closeCalls('completed');
    if (message === undefined) {
      message = { index: nextIndex++, id: newItemId('msg'), parts: [], open: undefined };
      out += added(message.index, { id: message.id, type: 'message', role: 'assistant', status: 'in_progress', content: [] });
    }
    if (message.open?.kind !== kind) {
      out += closePart();
      const part: MessagePart = { kind, text: '' };
      message.parts.push(part);
      message.open = part;
      out += event('response.content_part.added', { item_id: message.id, output_index: message.index, content_index: message.parts.length - 1, part: partObject(part) });
    }
    message.open!.text += text;
    outputTokens.add(text);
    // The most frequent event of a stream: one literal each, no spread of shared fields.
    const contentIndex = message.parts.length - 1;
    return out + (kind === 'output_text'
      ? event('response.output_text.delta', { item_id: message.id, output_index: message.index, content_index: contentIndex, delta: text, logprobs: [] })
      : event('response.refusal.delta', { item_id: message.id, output_index: message.index, content_index: contentIndex, delta: text }));
  }

  // --- reasoning (a summary streamed as it comes; Anthropic's signed blocks kept for replay) ---

  function openReasoning(): { out: string; item: OpenReasoning } {
    if (reasoning !== undefined) return { out: '', item: reasoning };
    const out = closeMessage('completed') + closeCalls('completed');
    reasoning = { index: nextIndex++, id: newItemId('rs'), text: '', summaryOpen: false, blocks: [] };
    return { out: out + added(reasoning.index, { id: reasoning.id, type: 'reasoning', summary: [] }), item: reasoning };
  }

  function appendReasoning(text: string): string {
    if (text === '') return '';
    const { out: opened, item } = openReasoning();
    let out = opened;
    const common = { item_id: item.id, output_index: item.index, summary_index: 0 };
    if (!item.summaryOpen) {
      item.summaryOpen = true;
      out += event('response.reasoning_summary_part.added', { ...common, part: { type: 'summary_text', text: '' } });
    }
    item.text += text;
    outputTokens.add(text);
    return out + event('response.reasoning_summary_text.delta', { ...common, delta: text });
  }

  function keepThinkingBlocks(raw: unknown): string {
    if (!Array.isArray(raw)) return '';
    const blocks = raw.map(toThinkingBlock).filter((block): block is ThinkingBlock => block !== undefined);
    if (blocks.length === 0) return '';
    const { out, item } = openReasoning();
    item.blocks.push(...blocks);
    return out;
  }

  function closeReasoning(): string {
    if (reasoning === undefined) return '';
    const closing = reasoning;
    reasoning = undefined;
    let out = '';
    const summary = closing.summaryOpen ? [{ type: 'summary_text', text: closing.text }] : [];
    if (closing.summaryOpen) {
      const common = { item_id: closing.id, output_index: closing.index, summary_index: 0 };
      out += event('response.reasoning_summary_text.done', { ...common, text: closing.text });
      out += event('response.reasoning_summary_part.done', { ...common, part: summary[0] });
    }
    const item: Json = { id: closing.id, type: 'reasoning', summary };
    if (closing.blocks.length > 0) item.encrypted_content = encodeReasoningContent(closing.blocks);
    return out + done(closing.index, item);
  }

  // --- tool calls ---

  function collectToolCall(raw: unknown): string {
    if (!isRecord(raw)) return '';
    const fn = isRecord(raw.function) ? raw.function : {};
    const id = typeof raw.id === 'string' && raw.id !== '' ? raw.id : undefined;
    const openaiIndex = typeof raw.index === 'number' ? raw.index : undefined;
    let call: ToolCall | undefined;
    // By id first: some servers (Ollama) send every complete call at index 0, each with its own id.
    if (id !== undefined) call = calls.find((candidate) => candidate.callId === id);
    else if (openaiIndex !== undefined) call = calls.findLast((candidate) => candidate.openaiIndex === openaiIndex);
    else call = calls[calls.length - 1];
    // A fragment for a call already handed over is late: dropped, never a second item.
    if (call?.closed === true) return '';
    let out = '';
    if (call === undefined) {
      out += closeMessage('completed') + closeReasoning();
      call = { index: undefined, itemId: '', callId: id ?? `call_${base}_${calls.length}`, name: '', args: '', kind: 'function_call', openaiIndex, closed: false };
      calls.push(call);
    }
    const args = typeof fn.arguments === 'string' ? fn.arguments : isRecord(fn.arguments) ? JSON.stringify(fn.arguments) : '';
    if (call.name === '' && typeof fn.name === 'string' && fn.name !== '') {
      call.name = fn.name;
      call.kind = callItemKind(call.name, toolOrigins);
      call.itemId = newItemId(call.kind === 'function_call' ? 'fc' : call.kind === 'custom_tool_call' ? 'ctc' : 'lsh');
      call.index = nextIndex++;
      outputTokens.add(fn.name);
      out += added(call.index, openCallItem(call, toolOrigins));
      // Arguments that came before the name go out now, as one delta.
      if (call.args !== '' && call.kind === 'function_call') out += argumentsDelta(call, call.args);
    }
    if (args !== '') {
      call.args += args;
      outputTokens.add(args);
      if (call.index !== undefined && call.kind === 'function_call') out += argumentsDelta(call, args);
    }
    return out;
  }

  function argumentsDelta(call: ToolCall, delta: string): string {
    return event('response.function_call_arguments.delta', { item_id: call.itemId, output_index: call.index, delta });
  }

  function closeCalls(status: 'completed' | 'incomplete'): string {
    let out = '';
    for (const call of calls) {
      if (call.closed) continue;
      call.closed = true;
      // A call whose name never came cannot be run by any client: nothing to hand over.
      if (call.index === undefined) continue;
      const common = { item_id: call.itemId, output_index: call.index };
      const item = toResponsesCallItem({ itemId: call.itemId, callId: call.callId, name: call.name, arguments: call.args }, toolOrigins, status);
      if (call.kind === 'function_call') {
        out += event('response.function_call_arguments.done', { ...common, name: item.name, arguments: call.args });
      } else if (call.kind === 'custom_tool_call') {
        // Freeform input streams only once whole: it is unwrapped from the JSON the model wrote.
        const input = unwrapCustomInput(call.args);
        if (input !== '') out += event('response.custom_tool_call_input.delta', { ...common, delta: input });
        out += event('response.custom_tool_call_input.done', { ...common, input });
      }
      out += done(call.index, item);
    }
    return out;
  }

  // --- the whole stream ---

  function closeAll(status: 'completed' | 'incomplete'): string {
    return closeReasoning() + closeMessage(status) + closeCalls(status);
  }

  function pushChunk(chunk: Json): string {
    // The canonical `usage` output (which knows cache writes) wins over a chunk's OpenAI usage.
    if (!canonicalUsage && chunk.usage !== undefined && chunk.usage !== null) usage = readOpenAIUsage(chunk.usage) ?? usage;
    const first = readFirstChoice(chunk);
    if (first === undefined) return '';
    const { choice, delta } = first;
    let out = '';
    const reasoningText = deltaReasoning(delta);
    if (typeof reasoningText === 'string') out += appendReasoning(reasoningText);
    if (delta.thinking_blocks !== undefined) out += keepThinkingBlocks(delta.thinking_blocks);
    if (typeof delta.content === 'string') out += appendToMessage('output_text', delta.content);
    if (typeof delta.refusal === 'string') out += appendToMessage('refusal', delta.refusal);
    if (Array.isArray(delta.tool_calls)) for (const call of delta.tool_calls) out += collectToolCall(call);
    if (choice.finish_reason !== undefined && choice.finish_reason !== null) {
      finishReason = choice.finish_reason;
      // Items close now; the terminal event waits for the usage chunk that follows the finish chunk.
      out += closeAll(finishReason === 'length' ? 'incomplete' : 'completed');
    }
    return out;
  }

  function finish(): string {
    if (ended) return '';
    const truncated = finishReason === 'length';
    const out = start() + closeAll(truncated ? 'incomplete' : 'completed');
    ended = true;
    const counted = usage ?? {
      promptTokens: options.estimateInputTokens(), completionTokens: outputTokens.tokens, cachedTokens: 0, cacheCreationTokens: 0, reasoningTokens: 0,
    };
    const state: ResponseState = { status: 'completed', output: outputSoFar(), usage: toResponsesUsage(counted) };
    if (truncated || finishReason === 'content_filter') {
      state.status = 'incomplete';
      state.incompleteReason = truncated ? 'max_output_tokens' : 'content_filter';
    }
    finalState = state;
    options.onCompleted?.(envelope.object(state));
    return out + lifecycle(state.status === 'completed' ? 'response.completed' : 'response.incomplete', state);
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
    finish,
    error(error) {
      if (ended) return '';
      const head = start();
      ended = true;
      // Open items are not closed: a half-written tool call must not look runnable.
      const state: ResponseState = {
        status: 'failed',
        output: outputSoFar(),
        usage: usage === undefined ? null : toResponsesUsage(usage),
        error: toResponsesError(error),
      };
      finalState = state;
      return head + lifecycle('response.failed', state);
    },
    keepAlive() {
      if (ended) return '';
      return start() + lifecycle('response.in_progress', { status: 'in_progress', output: outputSoFar(), usage: null });
    },
    ended: () => ended,
    finalState: () => finalState,
  };
}

function partObject(part: MessagePart): Json {
  return part.kind === 'output_text' ? { type: 'output_text', text: part.text, annotations: [], logprobs: [] } : { type: 'refusal', refusal: part.text };
}
