// The client's JSON request text with only what the gateway must change rewritten in place: the
// top-level "model" value and, for a stream, stream_options.include_usage made true (so the last
// chunk carries real usage). A body that needs nothing else goes upstream as the client's bytes
// instead of being serialised again (issue 18 item 3): for an agent's 100 KB+ stream body that
// is most of the request's CPU in the gateway. It reads text JSON.parse has already accepted, and
// never guesses: whatever it cannot prove is the same request the gateway validated gives
// undefined, and the caller serialises the parsed body as before.

import { jsonStringEnd, skipJsonSpace } from '../../core/json-text-scan.js';
import type { ClientBody } from '../provider-adapter.js';

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

export interface RequestTextChanges {
  /** The upstream model name for the top-level "model"; undefined leaves it (Azure reads it from the URL). */
  model: string | undefined;
  /** Make stream_options.include_usage true: added, or set, where the client's body lacks it. */
  includeUsage: boolean;
}

/** A member of a JSON object as text: where its value starts and ends. */
interface Member {
  valueStart: number;
  valueEnd: number;
}

/** One object's members by key, and the index of its closing brace. */
interface ScannedObject {
  members: Map<string, Member>;
  close: number;
}

/**
 * `text` (one JSON object, already parsed to the body the gateway validated) with `changes`
 * applied in place, every other byte as the client sent it. Undefined, so the caller serialises
 * the parsed body instead, when:
 * - a key appears twice in the top-level object or in stream_options: JSON.parse kept the last
 *   value, an upstream may read the first, and the budget hold read max_tokens/n/best_of from the
 *   parsed body (S37);
 * - such a key holds an escape (`"mod\u0065l"`): its name is only known after decoding;
 * - the model value holds an escape, or there is no top-level "model" while one must be set;
 * - stream_options is there but neither an object nor null.
 */
export function rewriteRequestText(text: string, changes: RequestTextChanges): string | undefined {
  const edits = requestEdits(text, changes);
  if (edits === undefined) return undefined;
  if (edits.length === 0) return text;
  let result = '';
  let at = 0;
  for (const [from, to, replacement] of edits) {
    result += text.slice(at, from) + replacement;
    at = to;
  }
  return result + text.slice(at);
}

/**
 * The client's body with `changes` applied, as its bytes (rewriteRequestBytes) when the route kept
 * them, else as text; undefined where the rewrite cannot prove the result (serialise instead).
 */
export function rewriteClientBody(clientBody: ClientBody, changes: RequestTextChanges): string | Buffer | undefined {
  return clientBody.bytes === undefined ? rewriteRequestText(clientBody.text, changes) : rewriteRequestBytes(clientBody.text, clientBody.bytes, changes);
}

/**
 * The same rewrite made on `bytes`, the UTF-8 the client sent that decoded (strictly, as the body
 * parser decodes) to `text`: the client's bytes with the edits spliced in, so a large body is
 * never flattened into one string and encoded again on its way upstream (a 99 KB body: ~8 µs to
 * splice, ~68 µs to build and encode the string). Undefined where rewriteRequestText would be.
 */
export function rewriteRequestBytes(text: string, bytes: Uint8Array, changes: RequestTextChanges): Buffer | undefined {
  const edits = requestEdits(text, changes);
  if (edits === undefined) return undefined;
  // The decoder dropped a leading byte order mark, so the text starts 3 bytes in; it is not sent.
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  // Nothing to change (a non-stream body for a deployment that keeps the client's model, as
  // Azure's): the client's bytes themselves, not a copy of them.
  if (edits.length === 0) return Buffer.from(bytes.buffer, bytes.byteOffset + start, bytes.length - start);
  const ascii = bytes.length - start === text.length;
  // A character index's byte offset: itself for ASCII, else the UTF-8 length of the shorter side
  // (edits sit near the start, the model, or at the end, the closing brace). Edits fall on JSON
  // structure, never inside a character, and the text is the bytes' exact decoding.
  const byteAt = (i: number): number => {
    if (ascii) return start + i;
    return i <= text.length - i ? start + Buffer.byteLength(text.slice(0, i)) : bytes.length - Buffer.byteLength(text.slice(i));
  };
  const parts: Uint8Array[] = [];
  let at = start;
  for (const [from, to, replacement] of edits) {
    parts.push(bytes.subarray(at, byteAt(from)), Buffer.from(replacement));
    at = byteAt(to);
  }
  parts.push(bytes.subarray(at));
  return Buffer.concat(parts);
}

/** The edits `changes` need, in text order ([start, end, replacement]); undefined when unprovable. */
function requestEdits(text: string, changes: RequestTextChanges): [number, number, string][] | undefined {
  const start = skipJsonSpace(text, 0);
  const top = scanObject(text, start);
  if (top === undefined || skipJsonSpace(text, top.close + 1) !== text.length) return undefined;
  const edits: [number, number, string][] = [];
  if (changes.model !== undefined) {
    const model = top.members.get('model');
    if (model === undefined || text.charCodeAt(model.valueStart) !== QUOTE) return undefined;
    const escape = text.indexOf('\\', model.valueStart);
    if (escape >= 0 && escape < model.valueEnd) return undefined;
    edits.push([model.valueStart, model.valueEnd, JSON.stringify(changes.model)]);
  }
  if (changes.includeUsage) {
    const edit = includeUsageEdit(text, top);
    if (edit === undefined) return undefined;
    if (edit !== null) edits.push(edit);
  }
  return edits.sort((a, b) => a[0] - b[0]);
}

const INCLUDE_USAGE = '"include_usage":true';

/** The edit that makes stream_options.include_usage true; null when it already is; undefined when unprovable. */
function includeUsageEdit(text: string, top: ScannedObject): [number, number, string] | null | undefined {
  const options = top.members.get('stream_options');
  if (options === undefined) {
    // Before the closing brace: after the last member (a request always has at least its model).
    return [top.close, top.close, `${top.members.size > 0 ? ',' : ''}"stream_options":{${INCLUDE_USAGE}}`];
  }
  if (text.startsWith('null', options.valueStart) && options.valueEnd === options.valueStart + 4) {
    return [options.valueStart, options.valueEnd, `{${INCLUDE_USAGE}}`];
  }
  if (text.charCodeAt(options.valueStart) !== OPEN_BRACE) return undefined;
  const inner = scanObject(text, options.valueStart);
  if (inner === undefined) return undefined;
  const include = inner.members.get('include_usage');
  if (include === undefined) return [inner.close, inner.close, `${inner.members.size > 0 ? ',' : ''}${INCLUDE_USAGE}`];
  if (include.valueEnd - include.valueStart === 4 && text.startsWith('true', include.valueStart)) return null;
  return [include.valueStart, include.valueEnd, 'true'];
}

/**
 * The object starting at `start` (its opening brace): its members, and where it closes. Undefined
 * for a repeated or escaped key, or text that is not one well-formed object.
 */
function scanObject(text: string, start: number): ScannedObject | undefined {
  if (text.charCodeAt(start) !== OPEN_BRACE) return undefined;
  let i = skipJsonSpace(text, start + 1);
  // Top-level keys are few (a dozen at most in practice); a Map answers the repeat check.
  const members = new Map<string, Member>();
  if (text.charCodeAt(i) === CLOSE_BRACE) return { members, close: i };
  for (;;) {
    if (text.charCodeAt(i) !== QUOTE) return undefined;
    const keyEnd = jsonStringEnd(text, i);
    if (keyEnd < 0) return undefined;
    const key = text.slice(i + 1, keyEnd - 1);
    if (key.includes('\\') || members.has(key)) return undefined;
    i = skipJsonSpace(text, keyEnd);
    if (text.charCodeAt(i) !== COLON) return undefined;
    i = skipJsonSpace(text, i + 1);
    const valueEnd = text.charCodeAt(i) === QUOTE ? jsonStringEnd(text, i) : valueEndOf(text, i);
    if (valueEnd < 0) return undefined;
    members.set(key, { valueStart: i, valueEnd });
    i = skipJsonSpace(text, valueEnd);
    const next = text.charCodeAt(i);
    if (next === COMMA) {
      i = skipJsonSpace(text, i + 1);
      continue;
    }
    if (next !== CLOSE_BRACE) return undefined;
    return { members, close: i };
  }
}

/** Index just past a non-string value (object, array, number, literal) starting at `start`. */
function valueEndOf(text: string, start: number): number {
  let depth = 0;
  let i = start;
  for (;;) {
    const c = text.charCodeAt(i);
    if (Number.isNaN(c)) return depth === 0 ? i : -1;
    if (c === QUOTE) {
      i = jsonStringEnd(text, i);
      if (i < 0) return -1;
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (depth === 0) return i;
      depth--;
      if (depth === 0) return i + 1;
    } else if (depth === 0 && (c === COMMA || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d)) return i;
    i++;
  }
}
