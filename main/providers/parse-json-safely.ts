// Guarded JSON.parse for upstream bytes: garbage from an upstream becomes a GatewayError with a
// short, sanitised description, never an unhandled SyntaxError (Portkey's unguarded
// JSON.parse in its Ollama stream transform is the anti-pattern).
import { GatewayError } from '../core/gateway-error.js';

export function parseJsonSafely(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new GatewayError('upstream_bad_response', `Upstream sent ${what} that is not valid JSON`);
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
