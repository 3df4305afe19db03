// Reads Ollama's keep_alive (seconds as a number, or a Go duration string: "30s", "5m", "1h30m",
// "-1") and caps it by policy: a negative one (Zed sends -1: "keep the model loaded forever") or
// one longer than the cap would pin a model in the user's VRAM, so either becomes the cap.
// Never invents a keep_alive the client did not send, and leaves what it cannot read to Ollama.

const UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, 'µs': 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
const GO_DURATION = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g;

/** The default cap: 30 minutes, six times Ollama's own default of 5. */
export const DEFAULT_MAX_KEEP_ALIVE_SECONDS = 1800;

/** keep_alive in seconds (negative = forever), or undefined when it is not a form Ollama reads. */
export function parseKeepAliveSeconds(value: number | string): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  const text = value.trim();
  // A bare number in a string ("-1", "3600") is seconds, as OLLAMA_KEEP_ALIVE reads it.
  if (/^[+-]?\d+(\.\d+)?$/.test(text)) return Number(text);
  const match = GO_DURATION.exec(text);
  if (match === null) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(PART)) seconds += Number(amount) * UNIT_SECONDS[unit!]!;
  return match[1] === '-' ? -seconds : seconds;
}

/**
 * The keep_alive to send upstream: `value` unchanged when there is no cap (null), when it is
 * absent or unreadable, or when it is within the cap; otherwise the cap, in seconds.
 */
export function capKeepAlive(value: number | string | undefined, capSeconds: number | null): number | string | undefined {
  if (value === undefined || capSeconds === null) return value;
  const seconds = parseKeepAliveSeconds(value);
  if (seconds === undefined) return value;
  return seconds < 0 || seconds > capSeconds ? capSeconds : value;
}
