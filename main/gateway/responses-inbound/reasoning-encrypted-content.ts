// Carries Anthropic thinking blocks (text + signature, or redacted data) through a Responses
// `reasoning` item's `encrypted_content`, so a stateless client (Codex sends the whole history
// with store: false) hands them back on the next turn and an Anthropic deployment can replay
// them: it refuses a tool-use continuation without the signed block when thinking is on.
// Format: `sb1:` + base64(JSON array of blocks). Decoding never throws: anything else (OpenAI's
// own encrypted reasoning, a damaged value) is not ours and yields undefined.

type Json = Record<string, unknown>;

export type ThinkingBlock = { type: 'thinking'; thinking: string; signature: string } | { type: 'redacted_thinking'; data: string };

const PREFIX = 'sb1:';

export function encodeReasoningContent(blocks: readonly ThinkingBlock[]): string {
  return PREFIX + Buffer.from(JSON.stringify(blocks), 'utf8').toString('base64');
}

export function decodeReasoningContent(value: unknown): ThinkingBlock[] | undefined {
  if (typeof value !== 'string' || !value.startsWith(PREFIX)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value.slice(PREFIX.length), 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  const blocks = parsed.map(toThinkingBlock);
  return blocks.length > 0 && blocks.every((b) => b !== undefined) ? (blocks as ThinkingBlock[]) : undefined;
}

/** A thinking block as the Anthropic adapter hands it over (`thinking_blocks`), or undefined. */
export function toThinkingBlock(value: unknown): ThinkingBlock | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const block = value as Json;
  if (block.type === 'thinking' && typeof block.thinking === 'string' && typeof block.signature === 'string' && block.signature !== '') {
    return { type: 'thinking', thinking: block.thinking, signature: block.signature };
  }
  if (block.type === 'redacted_thinking' && typeof block.data === 'string') return { type: 'redacted_thinking', data: block.data };
  return undefined;
}
