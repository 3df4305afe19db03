// Reads OpenAI's `stop` (a string or a list of strings) into the stop-sequence list that
// Anthropic and Gemini both take; empty strings are dropped, anything else is a 400 naming `stop`.
import { GatewayError } from '../../core/gateway-error.js';

export function readStopSequences(stop: unknown): string[] | undefined {
  if (stop === undefined || stop === null) return undefined;
  const list = typeof stop === 'string' ? [stop] : stop;
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string')) {
    throw new GatewayError('invalid_request', 'stop must be a string or an array of strings', { param: 'stop' });
  }
  const sequences = list.filter((s) => s !== '');
  return sequences.length > 0 ? sequences : undefined;
}
