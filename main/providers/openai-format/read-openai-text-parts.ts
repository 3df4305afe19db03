// Reads the text of an OpenAI message whose content may be a string or an array of parts, for
// roles that only carry text (system, developer). A non-text part there is refused (400) rather
// than silently dropped, so a client never believes a model saw something it did not.
import { GatewayError } from '../../core/gateway-error.js';
import { isRecord } from '../parse-json-safely.js';

export interface TextPart {
  text: string;
  /** Anthropic prompt-caching marker, passed through untouched when present. */
  cacheControl?: Record<string, unknown>;
}

export function readOpenAITextParts(content: unknown, where: string): TextPart[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return [{ text: content }];
  if (!Array.isArray(content)) throw new GatewayError('invalid_request', `${where}.content must be a string or an array of text parts`, { param: 'messages' });
  return content.map((part, i) => {
    if (!isRecord(part) || part.type !== 'text' || typeof part.text !== 'string') {
      throw new GatewayError('invalid_request', `${where}.content[${i}] must be a text part`, { param: 'messages' });
    }
    return isRecord(part.cache_control) ? { text: part.text, cacheControl: part.cache_control } : { text: part.text };
  });
}
