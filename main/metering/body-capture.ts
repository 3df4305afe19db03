// What body logging keeps of one request: a bounded text accumulator for streamed output and
// the cap applied to every stored body. Exists only for requests admitted with body logging on;
// never grows past the cap however long the stream runs.
import { visitGeneratedText } from '../providers/openai-format/visit-generated-text.js';

/** Characters of one stored body (request or response). */
export const MAX_LOGGED_BODY_CHARS = 64 * 1024;
export const TRUNCATED_MARKER = '…[truncated]';
/** Kept beyond the cap so a key cut at the boundary is still whole when redaction runs. */
const REDACTION_SLACK = 256;

/** Text captured for a request with body logging on, before redaction and the final cap. */
export interface CapturedBodies {
  request: string;
  /** Null when no response reached the client (an error before the first byte). */
  response: string | null;
  /**
   * The key the client authenticated with, masked wherever it appears in both bodies. Virtual
   * keys are stored hashed, so the plaintext is known only here, for this request; never stored.
   */
  presentedKey?: string;
}

export interface TextCapture {
  append(text: string): void;
  text(): string;
}

/** Keeps the first `max` characters (plus slack for redaction) of everything appended. */
export function createTextCapture(max = MAX_LOGGED_BODY_CHARS): TextCapture {
  const limit = max + REDACTION_SLACK + 1;
  const parts: string[] = [];
  let length = 0;
  return {
    append(text) {
      if (length >= limit || text.length === 0) return;
      const part = text.length > limit - length ? text.slice(0, limit - length) : text;
      parts.push(part);
      length += part.length;
    },
    text: () => parts.join(''),
  };
}

/** The prefix redaction needs to see: the cap plus slack (and one character to know it was cut). */
export function preCapBodyText(text: string, max = MAX_LOGGED_BODY_CHARS): string {
  return text.length > max + REDACTION_SLACK + 1 ? text.slice(0, max + REDACTION_SLACK + 1) : text;
}

/** Cuts to `max` characters with a visible marker; shorter text is returned unchanged. */
export function capBodyText(text: string, max = MAX_LOGGED_BODY_CHARS): string {
  return text.length > max ? `${text.slice(0, max)}${TRUNCATED_MARKER}` : text;
}

/** Appends the generated text of one OpenAI chunk (content, reasoning, tool names and arguments). */
export function captureChunkText(chunk: Record<string, unknown>, capture: TextCapture): void {
  visitGeneratedText(chunk, (text) => capture.append(text));
}
