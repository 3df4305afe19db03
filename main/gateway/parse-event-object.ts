// A relayed SSE event's data as a JSON object, or undefined for anything else. Pass-through
// encoders relay only objects: garbage is dropped there, and the answer reader rejects it next,
// so the client gets the format's own failure event instead of bytes it cannot parse.

export function parseEventObject(data: string): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return undefined;
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
}
