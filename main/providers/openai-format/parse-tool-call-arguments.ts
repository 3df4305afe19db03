// Reads an OpenAI tool call's `function.arguments` (a JSON object encoded as a string) into the
// object Anthropic's `tool_use.input` and Gemini's `functionCall.args` require. Arguments that
// do not parse to an object are the client's error (400), never forwarded half-translated.
import { GatewayError } from '../../core/gateway-error.js';
import { isRecord } from '../parse-json-safely.js';

export function parseToolCallArguments(args: unknown, where: string): Record<string, unknown> {
  // Some clients send a no-argument call as "" or omit it; both mean {}.
  if (args === undefined || args === null || args === '') return {};
  if (isRecord(args)) return args;
  if (typeof args === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(args);
    } catch {
      parsed = undefined;
    }
    if (isRecord(parsed)) return parsed;
  }
  throw new GatewayError('invalid_request', `${where}.function.arguments must be a JSON object encoded as a string`, { param: 'messages' });
}
