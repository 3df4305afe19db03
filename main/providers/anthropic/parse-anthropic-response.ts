// Translates a non-stream Messages API response into an OpenAI `chat.completion`: text blocks
// join into `content`, tool_use blocks become `tool_calls` (ids preserved), thinking becomes
// `reasoning_content` plus litellm-style `thinking_blocks` (signed, for replay). Garbage is a 502.
import { GatewayError } from '../../core/gateway-error.js';
import type { ParsedResponse } from '../provider-adapter.js';
import { isRecord } from '../parse-json-safely.js';
import { readAnthropicUsage } from './anthropic-usage.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';
import type { ChatCompletionIdentity } from '../openai-format/openai-chat-chunk.js';
import { openAIUsageBody } from '../openai-format/openai-usage-body.js';

type Json = Record<string, unknown>;

export function parseAnthropicResponse(json: unknown, identity: ChatCompletionIdentity): ParsedResponse {
  if (!isRecord(json)) throw new GatewayError('upstream_bad_response', 'Anthropic sent a response that is not a JSON object');
  if (json.type === 'error') throw new GatewayError('upstream_error', `Anthropic error: ${describeAnthropicError(json.error)}`);
  if (!Array.isArray(json.content)) throw new GatewayError('upstream_bad_response', 'Anthropic sent a message without content');

  const texts: string[] = [];
  const reasoning: string[] = [];
  const thinkingBlocks: Json[] = [];
  const toolCalls: Json[] = [];
  for (const block of json.content) {
    if (!isRecord(block)) continue;
    if (block.type === 'text' && typeof block.text === 'string') texts.push(block.text);
    else if (block.type === 'thinking' && typeof block.thinking === 'string') {
      reasoning.push(block.thinking);
      thinkingBlocks.push({ type: 'thinking', thinking: block.thinking, signature: typeof block.signature === 'string' ? block.signature : '' });
    } else if (block.type === 'redacted_thinking' && typeof block.data === 'string') {
      thinkingBlocks.push({ type: 'redacted_thinking', data: block.data });
    } else if (block.type === 'tool_use') {
      if (typeof block.id !== 'string' || typeof block.name !== 'string') throw new GatewayError('upstream_bad_response', 'Anthropic sent a tool_use block without id or name');
      toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } });
    }
    // Server-tool blocks (web search results...) have no OpenAI chat equivalent.
  }

  const message: Json = { role: 'assistant', content: texts.length > 0 || toolCalls.length === 0 ? texts.join('') : null };
  if (reasoning.length > 0) message.reasoning_content = reasoning.join('');
  if (thinkingBlocks.length > 0) message.thinking_blocks = thinkingBlocks;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;

  const usage = readAnthropicUsage(json.usage);
  return {
    body: {
      id: identity.id,
      object: 'chat.completion',
      created: identity.created,
      model: identity.model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: mapAnthropicStopReason(json.stop_reason) }],
      usage: openAIUsageBody(usage),
    },
    usage,
  };
}

/** `type: message` of an Anthropic error object, capped: never more of the upstream text than that. */
export function describeAnthropicError(error: unknown): string {
  const type = isRecord(error) && typeof error.type === 'string' ? error.type : 'error';
  const message = isRecord(error) && typeof error.message === 'string' ? error.message : 'unknown error';
  return `${type}: ${message.slice(0, 200)}`;
}
