// Estimates the input tokens of an Anthropic-format request, for /v1/messages/count_tokens and the
// message_start usage of translated streams, without calling any upstream: the target may be a
// local model with no counting endpoint, and Claude Code calls this often. An estimate, never
// billed: usage recorded in the ledger always comes from the upstream's own counts.
import {
  isAnthropicBlock,
  type AnthropicContentBlock,
  type AnthropicCountTokensRequest,
  type AnthropicToolResultContentBlock,
} from './anthropic-request-schema.js';

/** About four characters per token for English text and code (OpenAI's and Anthropic's rule of thumb). */
export const CHARS_PER_TOKEN = 4;
/** Role markers and separators around each message. */
export const MESSAGE_OVERHEAD_TOKENS = 4;
/** Anthropic's documented tool-use system prompt (346 tokens for tool_choice auto/none). */
export const TOOL_USE_OVERHEAD_TOKENS = 346;
/**
 * An image or PDF costs about (width x height) / 750 tokens; its size is not known without
 * decoding it, so each counts as a ~1.15 megapixel image (1600), the largest before Anthropic
 * downscales. Base64 text is never counted as characters: that would overcount 100-fold.
 */
export const ATTACHMENT_TOKENS = 1600;

export type CountableAnthropicRequest = Pick<AnthropicCountTokensRequest, 'system' | 'messages' | 'tools'>;

/**
 * ceil(characters / 4) over system prompts, message text, tool calls (name + JSON input), tool
 * results and tool definitions (their JSON), plus the fixed overheads above. Thinking in history
 * is not counted: it is not sent to non-Anthropic models. Always at least 1.
 */
export function countAnthropicTokens(request: CountableAnthropicRequest): { input_tokens: number } {
  let chars = 0;
  let tokens = 0;
  const system = request.system;
  if (typeof system === 'string') chars += system.length;
  else if (Array.isArray(system)) for (const block of system) chars += block.text.length;

  for (const message of request.messages) {
    tokens += MESSAGE_OVERHEAD_TOKENS;
    if (typeof message.content === 'string') {
      chars += message.content.length;
      continue;
    }
    for (const block of message.content) {
      const counted = countBlock(block);
      chars += counted.chars;
      tokens += counted.tokens;
    }
  }

  const tools = request.tools ?? [];
  if (tools.length > 0) {
    tokens += TOOL_USE_OVERHEAD_TOKENS;
    for (const tool of tools) chars += JSON.stringify(tool).length;
  }
  return { input_tokens: Math.max(1, tokens + Math.ceil(chars / CHARS_PER_TOKEN)) };
}

function countBlock(block: AnthropicContentBlock | AnthropicToolResultContentBlock): { chars: number; tokens: number } {
  if (isAnthropicBlock(block, 'text')) return { chars: block.text.length, tokens: 0 };
  if (isAnthropicBlock(block, 'image')) return { chars: 0, tokens: ATTACHMENT_TOKENS };
  if (isAnthropicBlock(block, 'document')) {
    const source = block.source;
    const heading = (block.title ?? '').length + (block.context ?? '').length;
    if (source.type === 'text') return { chars: heading + source.data.length, tokens: 0 };
    if (source.type === 'content') {
      if (typeof source.content === 'string') return { chars: heading + source.content.length, tokens: 0 };
      return sum(source.content.map(countBlock), heading);
    }
    return { chars: heading, tokens: ATTACHMENT_TOKENS };
  }
  if (isAnthropicBlock(block, 'search_result')) {
    return { chars: block.title.length + block.source.length + block.content.reduce((n, text) => n + text.text.length, 0), tokens: 0 };
  }
  if (isAnthropicBlock(block, 'tool_use')) return { chars: block.name.length + JSON.stringify(block.input).length, tokens: 0 };
  if (isAnthropicBlock(block, 'tool_result')) {
    const content = block.content;
    if (typeof content === 'string') return { chars: content.length, tokens: 0 };
    return sum((content ?? []).map(countBlock), 0);
  }
  if (isAnthropicBlock(block, 'thinking') || isAnthropicBlock(block, 'redacted_thinking')) return { chars: 0, tokens: 0 };
  // A block type this gateway does not know: its JSON is the best available measure.
  return { chars: JSON.stringify(block).length, tokens: 0 };
}

function sum(parts: Array<{ chars: number; tokens: number }>, chars: number): { chars: number; tokens: number } {
  return parts.reduce((total, part) => ({ chars: total.chars + part.chars, tokens: total.tokens + part.tokens }), { chars, tokens: 0 });
}
