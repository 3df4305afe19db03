// An upstream stream event's data as JSON, parsed once however many parts of the gateway read it.
// A native pass-through relay reads every event twice: its encoder (is it an object to relay,
// its type, a Responses sequence number) and the answer reader (usage, deltas, the end, in-band
// failures). A Responses stream's lifecycle events carry the whole response object, Codex's
// instructions and tools echoed in it: tens of KB each, ~1 µs per KB to parse. The first reader
// keeps the result on the event; every reader treats it as read-only.
import { GatewayError } from '../core/gateway-error.js';
import { isRecord } from './parse-json-safely.js';
import type { StreamEvent } from './provider-adapter.js';

/** What the cache holds for data that is not JSON, so a second reader does not try again. */
const NOT_JSON: unique symbol = Symbol('not JSON');

function parsedData(event: StreamEvent): unknown {
  if (event.json !== undefined) return event.json;
  let parsed: unknown;
  try {
    parsed = JSON.parse(event.data);
  } catch {
    parsed = NOT_JSON;
  }
  event.json = parsed;
  return parsed;
}

/** The event's data as JSON; data that is not JSON is the upstream's fault (`what` names it). */
export function streamEventJson(event: StreamEvent, what: string): unknown {
  const parsed = parsedData(event);
  if (parsed === NOT_JSON) throw new GatewayError('upstream_bad_response', `Upstream sent ${what} that is not valid JSON`);
  return parsed;
}

/** The event's data as a JSON object, or undefined for anything else (never throws). */
export function streamEventObject(event: StreamEvent): Record<string, unknown> | undefined {
  const parsed = parsedData(event);
  return isRecord(parsed) ? parsed : undefined;
}
