// Translates a Messages API event stream (message_start, content_block_start/delta/stop,
// message_delta, message_stop, ping, error) into OpenAI chat chunks. Tool input arrives as
// partial JSON spread over many deltas and is forwarded as argument deltas at the tool's index.
// Throws on garbage, on an in-band `error` event, and when the stream ends without message_stop.
import { GatewayError } from '../../core/gateway-error.js';
import type { StreamEvent, StreamOutput, StreamTranslator } from '../provider-adapter.js';
import { isRecord } from '../parse-json-safely.js';
import { streamEventJson } from '../stream-event-json.js';
import { mergeAnthropicUsage, NO_ANTHROPIC_USAGE, toTokenUsage } from './anthropic-usage.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';
import { createChatChunkFactory, type ChatCompletionIdentity } from '../openai-format/openai-chat-chunk.js';
import { describeAnthropicError } from './parse-anthropic-response.js';

type Json = Record<string, unknown>;

type Block =
  | { kind: 'text' }
  | { kind: 'thinking'; text: string }
  | { kind: 'tool'; toolIndex: number; sentArguments: boolean; initialInput: unknown }
  | { kind: 'other' };

/** In-band error types worth another attempt, if nothing has reached the client yet. */
const TRANSIENT_ERRORS = new Set(['overloaded_error', 'api_error', 'rate_limit_error', 'timeout_error']);

export function createAnthropicStreamTranslator(identity: ChatCompletionIdentity): StreamTranslator {
  const chunks = createChatChunkFactory(identity);
  const blocks = new Map<number, Block>();
  let nextToolIndex = 0;
  let started = false;
  let finished = false;
  let stopReason: unknown = null;
  let counters = NO_ANTHROPIC_USAGE;

  function start(out: StreamOutput[]): void {
    if (started) return;
    started = true;
    out.push(chunks.delta({ role: 'assistant', content: '' }));
  }

  function blockAt(data: Json): Block {
    const block = blocks.get(blockIndex(data));
    if (!block) throw new GatewayError('upstream_bad_response', 'Anthropic sent a delta for a content block that never started');
    return block;
  }

  function onBlockStart(data: Json, out: StreamOutput[]): void {
    const content = isRecord(data.content_block) ? data.content_block : {};
    const index = blockIndex(data);
    switch (content.type) {
      case 'text':
        blocks.set(index, { kind: 'text' });
        if (typeof content.text === 'string' && content.text !== '') out.push(chunks.delta({ content: content.text }));
        break;
      case 'thinking': {
        const text = typeof content.thinking === 'string' ? content.thinking : '';
        blocks.set(index, { kind: 'thinking', text });
        if (text !== '') out.push(chunks.delta({ reasoning_content: text }));
        break;
      }
      case 'redacted_thinking':
        blocks.set(index, { kind: 'other' });
        if (typeof content.data === 'string') out.push(chunks.delta({ thinking_blocks: [{ type: 'redacted_thinking', data: content.data }] }));
        break;
      case 'tool_use': {
        if (typeof content.id !== 'string' || typeof content.name !== 'string') {
          throw new GatewayError('upstream_bad_response', 'Anthropic sent a tool_use block without id or name');
        }
        const toolIndex = nextToolIndex++;
        blocks.set(index, { kind: 'tool', toolIndex, sentArguments: false, initialInput: content.input });
        out.push(chunks.delta({ tool_calls: [{ index: toolIndex, id: content.id, type: 'function', function: { name: content.name, arguments: '' } }] }));
        break;
      }
      default:
        // server_tool_use, web_search_tool_result, ...: no OpenAI chat equivalent.
        blocks.set(index, { kind: 'other' });
    }
  }

  function onBlockDelta(data: Json, out: StreamOutput[]): void {
    const block = blockAt(data);
    const delta = isRecord(data.delta) ? data.delta : {};
    if (delta.type === 'text_delta' && typeof delta.text === 'string') {
      if (delta.text !== '') out.push(chunks.delta({ content: delta.text }));
    } else if (delta.type === 'input_json_delta' && typeof delta.partial_json === 'string') {
      if (block.kind !== 'tool') throw new GatewayError('upstream_bad_response', 'Anthropic sent tool input for a block that is not a tool_use');
      if (delta.partial_json === '') return;
      block.sentArguments = true;
      out.push(chunks.delta({ tool_calls: [{ index: block.toolIndex, function: { arguments: delta.partial_json } }] }));
    } else if (delta.type === 'thinking_delta' && typeof delta.thinking === 'string') {
      if (block.kind === 'thinking') block.text += delta.thinking;
      if (delta.thinking !== '') out.push(chunks.delta({ reasoning_content: delta.thinking }));
    } else if (delta.type === 'signature_delta' && typeof delta.signature === 'string') {
      // The signature closes a thinking block: hand the whole signed block over so a client can
      // replay it (Anthropic rejects a tool-use continuation without it when thinking is on).
      const thinking = block.kind === 'thinking' ? block.text : '';
      out.push(chunks.delta({ thinking_blocks: [{ type: 'thinking', thinking, signature: delta.signature }] }));
    }
    // citations_delta and future delta types carry nothing an OpenAI client reads.
  }

  function onBlockStop(data: Json, out: StreamOutput[]): void {
    const block = blockAt(data);
    // A tool called without arguments gets no input_json_delta; OpenAI clients JSON.parse
    // `arguments`, so an empty string would break them.
    if (block.kind === 'tool' && !block.sentArguments) {
      const input = isRecord(block.initialInput) ? block.initialInput : {};
      out.push(chunks.delta({ tool_calls: [{ index: block.toolIndex, function: { arguments: JSON.stringify(input) } }] }));
      block.sentArguments = true;
    }
  }

  return {
    push(event: StreamEvent): StreamOutput[] {
      if (finished) return [];
      const data = streamEventJson(event, 'a stream event');
      if (!isRecord(data)) throw new GatewayError('upstream_bad_response', 'Anthropic sent a stream event that is not a JSON object');
      const type = typeof data.type === 'string' ? data.type : event.event;
      const out: StreamOutput[] = [];
      switch (type) {
        case 'ping':
          return out;
        case 'error': {
          const errorType = isRecord(data.error) && typeof data.error.type === 'string' ? data.error.type : '';
          throw new GatewayError('upstream_error', `Anthropic reported an error mid-stream: ${describeAnthropicError(data.error)}`, {
            retryable: !started && TRANSIENT_ERRORS.has(errorType),
          });
        }
        case 'message_start': {
          const message = isRecord(data.message) ? data.message : {};
          counters = mergeAnthropicUsage(counters, message.usage);
          start(out);
          // Report what is known now: a stream cut later still bills its real input tokens.
          out.push({ type: 'usage', usage: toTokenUsage(counters) });
          return out;
        }
        case 'content_block_start':
          start(out);
          onBlockStart(data, out);
          return out;
        case 'content_block_delta':
          start(out);
          onBlockDelta(data, out);
          return out;
        case 'content_block_stop':
          onBlockStop(data, out);
          return out;
        case 'message_delta': {
          const delta = isRecord(data.delta) ? data.delta : {};
          if (delta.stop_reason !== undefined && delta.stop_reason !== null) stopReason = delta.stop_reason;
          counters = mergeAnthropicUsage(counters, data.usage);
          out.push({ type: 'usage', usage: toTokenUsage(counters) });
          return out;
        }
        case 'message_stop': {
          start(out);
          finished = true;
          out.push(chunks.delta({}, mapAnthropicStopReason(stopReason)));
          out.push(...chunks.usage(toTokenUsage(counters)), { type: 'done' });
          return out;
        }
        default:
          // New event types may be added (Anthropic's versioning policy): ignore them.
          return out;
      }
    },
    end(): StreamOutput[] {
      if (!finished) throw new GatewayError('upstream_bad_response', 'Anthropic stream ended early, before message_stop');
      return [];
    },
  };
}

function blockIndex(data: Json): number {
  if (!Number.isSafeInteger(data.index) || (data.index as number) < 0) {
    throw new GatewayError('upstream_bad_response', 'Anthropic sent a content block event without a valid index');
  }
  return data.index as number;
}
