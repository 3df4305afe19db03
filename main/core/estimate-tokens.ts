// Cheap token estimates, with no tokenizer: for prompts before a call (budget reservation, the
// context-window guard) and for streamed text when the upstream reports no usage (the ledger row
// is then marked `estimated`). It never throws on odd input, never recurses (a hostile body
// cannot blow the stack) and never keeps the text it counts.
//
// Method: weights per UTF-16 unit, in quarter tokens, so the sum is exact integer arithmetic:
//   ASCII                      1/4 token  (English prose and code run ~4 characters a token)
//   U+0080..U+07FF             1/2 token  (accented Latin, Greek, Cyrillic, Hebrew, Arabic)
//   U+0800 and up, astral      1 token    (CJK, kana, Hangul, emoji: about one token each or more)
// plus, per chat message, TOKENS_PER_MESSAGE of framing (OpenAI's published 3 per message + role),
// REPLY_PRIMING_TOKENS once per chat, and MEDIA_PART_TOKENS per image/audio/file part.
// It errs high for CJK-free text with long words and low for dense symbols; good enough to
// reserve money and to say "estimated", not to bill precisely.

/** Framing around each chat message (role, separators). */
export const TOKENS_PER_MESSAGE = 4;
/** The assistant reply's priming (`<|start|>assistant<|message|>`). */
export const REPLY_PRIMING_TOKENS = 3;
/**
 * One image, audio clip or file part. A 1024x1024 image is 765 tokens on OpenAI (high detail)
 * and about 1,400 on Anthropic; 1,000 sits between without knowing the pixels.
 */
export const MEDIA_PART_TOKENS = 1000;

/** Content-part types that carry media, not text (OpenAI chat, Responses and Anthropic names). */
const MEDIA_TYPES: ReadonlySet<string> = new Set([
  'image_url', 'image', 'input_image', 'input_audio', 'audio', 'file', 'input_file', 'document', 'video_url', 'video',
]);
/** Keys whose values are structure, not text the model reads. */
const STRUCTURAL_KEYS: ReadonlySet<string> = new Set(['role', 'type', 'cache_control', 'detail']);
/** A data: URL this long is a payload (base64 media), not prose. */
const DATA_URL_MIN = 256;
/** Bounds the work one body can cost; a body this deep or wide is already past any bodyLimit. */
const MAX_NODES = 200_000;

/** Estimated tokens for a piece of text. */
export function estimateTextTokens(text: string): number {
  return Math.ceil(quarterTokens(text) / 4);
}

export interface TokenCounter {
  /** Adds streamed text (a delta); the text itself is not kept. */
  add(text: string): void;
  /** Estimated tokens of everything added so far. */
  readonly tokens: number;
}

/** Counts streamed output chunk by chunk, as estimateTextTokens would count the whole text. */
export function createTokenCounter(): TokenCounter {
  return new StreamedTokenCounter();
}

// A class, not an object literal with `get tokens()`: a literal's getter is a new function per
// object, so V8 gives every counter a hidden class of its own, made in the old generation (one per
// streamed request: ~80 bytes promoted and the full collections they bring; see
// test/architecture/no-per-object-getters.test.ts).
class StreamedTokenCounter implements TokenCounter {
  private quarters = 0;

  add(text: string): void {
    if (typeof text === 'string') this.quarters += quarterTokens(text);
  }

  get tokens(): number {
    return Math.ceil(this.quarters / 4);
  }
}

/**
 * Estimated prompt tokens of an inference request body: OpenAI chat (`messages`, `tools`,
 * `functions`), legacy completions (`prompt`), embeddings and Responses (`input`,
 * `instructions`), and Anthropic Messages (`system`, `messages`, `tools`). Token-id arrays count
 * one token per number.
 */
export function estimatePromptTokens(body: unknown): number {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return 0;
  const b = body as Record<string, unknown>;
  const budget = { nodes: MAX_NODES };
  let total = 0;

  if (Array.isArray(b.messages)) {
    total += REPLY_PRIMING_TOKENS;
    for (const message of b.messages) total += TOKENS_PER_MESSAGE + estimateValueTokens(message, budget);
  }
  for (const key of ['system', 'instructions', 'prompt', 'input'] as const) {
    if (b[key] !== undefined) total += estimateValueTokens(b[key], budget);
  }
  // Tool schemas reach the model as text; their JSON is a fair, slightly high, stand-in.
  for (const key of ['tools', 'functions'] as const) {
    const schemas = b[key];
    if (Array.isArray(schemas) && schemas.length > 0) total += estimateTextTokens(safeJson(schemas));
  }
  return total;
}

/** Walks a JSON value without recursion, counting text, numbers and media parts. */
function estimateValueTokens(root: unknown, budget: { nodes: number }): number {
  let quarters = 0;
  let media = 0;
  const stack: unknown[] = [root];
  while (stack.length > 0 && budget.nodes > 0) {
    budget.nodes--;
    const value = stack.pop();
    if (typeof value === 'string') {
      if (value.length >= DATA_URL_MIN && value.startsWith('data:')) media++;
      else quarters += quarterTokens(value);
    } else if (typeof value === 'number' || typeof value === 'boolean') {
      quarters += 4;
    } else if (Array.isArray(value)) {
      // Only as many children as the budget can still visit, so a huge array costs no more.
      for (let i = Math.min(value.length, budget.nodes) - 1; i >= 0; i--) stack.push(value[i]);
    } else if (value !== null && typeof value === 'object') {
      const obj = value as Record<string, unknown>;
      if (typeof obj.type === 'string' && MEDIA_TYPES.has(obj.type)) {
        media++;
        continue;
      }
      for (const key in obj) {
        if (stack.length > budget.nodes) break;
        if (Object.hasOwn(obj, key) && !STRUCTURAL_KEYS.has(key)) stack.push(obj[key]);
      }
    }
  }
  return Math.ceil(quarters / 4) + media * MEDIA_PART_TOKENS;
}

/** The next unit that is not ASCII (a global pattern: `lastIndex` says where to look from). */
const NON_ASCII = /[^\x00-\x7f]/g;

function quarterTokens(text: string): number {
  // ASCII runs (most of any prompt: code, English, JSON) count one quarter a unit and are skipped
  // by the regular expression engine (~0.45 ns a unit here against ~1.4 in a loop over them: a
  // coding agent's 120 KB prompt, estimated once per request, 57 instead of 172 µs); the units
  // between them, which come in runs (a word, a CJK sentence), are weighed one by one.
  const n = text.length;
  let quarters = 0;
  let i = 0;
  while (i < n) {
    NON_ASCII.lastIndex = i;
    if (!NON_ASCII.test(text)) return quarters + (n - i);
    const at = NON_ASCII.lastIndex - 1;
    quarters += at - i;
    for (i = at; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x80) break;
      if (c < 0x800) quarters += 2;
      else if (c < 0xdc00 || c > 0xdfff) quarters += 4; // a low surrogate counts with its high half
    }
  }
  return quarters;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}
