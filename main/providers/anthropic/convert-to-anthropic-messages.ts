// Converts OpenAI chat `messages` into the Messages API's `system` + alternating `messages`.
// Every system/developer message is lifted into `system` in order, wherever it sits (litellm
// #36917 dropped in-array ones); consecutive same-role turns are merged; tool results become
// `tool_result` blocks in a user turn. Never drops content it cannot translate: that is a 400.
import { GatewayError } from '../../core/gateway-error.js';
import { isRecord } from '../parse-json-safely.js';
import { convertToAnthropicContentPart, textBlock } from './convert-to-anthropic-content-part.js';
import { parseToolCallArguments } from '../openai-format/parse-tool-call-arguments.js';
import { readOpenAITextParts } from '../openai-format/read-openai-text-parts.js';

type Json = Record<string, unknown>;

export interface AnthropicTurn {
  role: 'user' | 'assistant';
  content: Json[];
}

export interface AnthropicPrompt {
  system: Json[];
  messages: AnthropicTurn[];
}

export function convertToAnthropicMessages(messages: unknown): AnthropicPrompt {
  if (!Array.isArray(messages)) throw invalid('messages must be an array');
  const system: Json[] = [];
  const turns: AnthropicTurn[] = [];

  const append = (role: AnthropicTurn['role'], blocks: Json[]) => {
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    if (last && last.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };

  messages.forEach((message: unknown, i) => {
    const where = `messages[${i}]`;
    if (!isRecord(message)) throw invalid(`${where} must be an object`);
    switch (message.role) {
      case 'system':
      case 'developer':
        system.push(...withMessageCacheControl(systemBlocks(message.content, where), message));
        break;
      case 'user':
        append('user', withMessageCacheControl(userBlocks(message.content, where), message));
        break;
      case 'assistant':
        append('assistant', withMessageCacheControl(assistantBlocks(message, where), message));
        break;
      case 'tool':
        append('user', [toolResultBlock(message, where)]);
        break;
      case 'function':
        throw invalid(`${where}: legacy "function" messages are not supported; use tool_calls and "tool" messages`);
      default:
        throw invalid(`${where}.role ${JSON.stringify(message.role)} is not supported`);
    }
  });

  for (const turn of turns) if (turn.role === 'user') putToolResultsFirst(turn);
  trimFinalAssistantText(turns);
  if (turns.length === 0) throw invalid('messages must contain at least one user or assistant message with content');
  return { system, messages: turns };
}

function systemBlocks(content: unknown, where: string): Json[] {
  const blocks: Json[] = [];
  for (const part of readOpenAITextParts(content, where)) {
    const block = textBlock(part.text);
    if (!block) continue;
    if (part.cacheControl) block.cache_control = part.cacheControl;
    blocks.push(block);
  }
  return blocks;
}

function userBlocks(content: unknown, where: string): Json[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return compact([textBlock(content)]);
  if (!Array.isArray(content)) throw invalid(`${where}.content must be a string or an array of parts`);
  return compact(content.map((part, j) => convertToAnthropicContentPart(part, `${where}.content[${j}]`)));
}

function assistantBlocks(message: Json, where: string): Json[] {
  const blocks: Json[] = [];
  // Signed thinking blocks must be replayed before tool_use when thinking is on (litellm's
  // `thinking_blocks`, which parseAnthropicResponse returns).
  if (Array.isArray(message.thinking_blocks)) {
    for (const block of message.thinking_blocks) {
      if (!isRecord(block)) continue;
      if (block.type === 'thinking' && typeof block.thinking === 'string' && typeof block.signature === 'string') {
        blocks.push({ type: 'thinking', thinking: block.thinking, signature: block.signature });
      } else if (block.type === 'redacted_thinking' && typeof block.data === 'string') {
        blocks.push({ type: 'redacted_thinking', data: block.data });
      }
    }
  }
  const content = message.content;
  if (typeof content === 'string') blocks.push(...compact([textBlock(content)]));
  else if (Array.isArray(content)) {
    content.forEach((part, j) => {
      if (isRecord(part) && part.type === 'refusal' && typeof part.refusal === 'string') blocks.push(...compact([textBlock(part.refusal)]));
      else if (isRecord(part) && part.type === 'text' && typeof part.text === 'string') {
        const block = textBlock(part.text);
        if (block && isRecord(part.cache_control)) block.cache_control = part.cache_control;
        blocks.push(...compact([block]));
      } else throw invalid(`${where}.content[${j}] must be a text or refusal part`);
    });
  } else if (content !== undefined && content !== null) throw invalid(`${where}.content must be a string or an array of parts`);

  if (message.function_call !== undefined && message.function_call !== null) {
    throw invalid(`${where}: legacy function_call is not supported; use tool_calls`);
  }
  if (message.tool_calls !== undefined && message.tool_calls !== null) {
    if (!Array.isArray(message.tool_calls)) throw invalid(`${where}.tool_calls must be an array`);
    message.tool_calls.forEach((call: unknown, j) => {
      const at = `${where}.tool_calls[${j}]`;
      if (!isRecord(call) || !isRecord(call.function)) throw invalid(`${at} must be a function tool call`);
      if (typeof call.id !== 'string' || call.id === '') throw invalid(`${at}.id must be a non-empty string`);
      if (typeof call.function.name !== 'string' || call.function.name === '') throw invalid(`${at}.function.name must be a non-empty string`);
      blocks.push({ type: 'tool_use', id: call.id, name: call.function.name, input: parseToolCallArguments(call.function.arguments, at) });
    });
  }
  return blocks;
}

function toolResultBlock(message: Json, where: string): Json {
  if (typeof message.tool_call_id !== 'string' || message.tool_call_id === '') throw invalid(`${where}.tool_call_id must be a non-empty string`);
  const block: Json = { type: 'tool_result', tool_use_id: message.tool_call_id };
  const content = message.content;
  if (typeof content === 'string') {
    if (content !== '') block.content = content;
  } else if (Array.isArray(content)) {
    const parts = compact(content.map((part, j) => convertToAnthropicContentPart(part, `${where}.content[${j}]`)));
    if (parts.length > 0) block.content = parts;
  } else if (content !== undefined && content !== null) throw invalid(`${where}.content must be a string or an array of parts`);
  if (isRecord(message.cache_control)) block.cache_control = message.cache_control;
  return block;
}

/** A message-level cache_control (litellm style) marks the message's last block. */
function withMessageCacheControl(blocks: Json[], message: Json): Json[] {
  const last = blocks.at(-1);
  if (last && isRecord(message.cache_control) && last.type !== 'tool_result') last.cache_control = message.cache_control;
  return blocks;
}

/** The Messages API wants tool_result blocks before any other content of their user turn. */
function putToolResultsFirst(turn: AnthropicTurn): void {
  const results = turn.content.filter((b) => b.type === 'tool_result');
  if (results.length === 0) return;
  turn.content = [...results, ...turn.content.filter((b) => b.type !== 'tool_result')];
}

/** A final assistant turn is a prefill, which may not end in whitespace (a 400 upstream). */
function trimFinalAssistantText(turns: AnthropicTurn[]): void {
  const last = turns.at(-1);
  if (!last || last.role !== 'assistant') return;
  const block = last.content.at(-1);
  if (block?.type === 'text' && typeof block.text === 'string') block.text = block.text.trimEnd();
}

function compact(blocks: (Json | undefined)[]): Json[] {
  return blocks.filter((b): b is Json => b !== undefined);
}

function invalid(message: string): GatewayError {
  return new GatewayError('invalid_request', message, { param: 'messages' });
}
