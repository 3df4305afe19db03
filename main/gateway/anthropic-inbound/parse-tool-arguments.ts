// Turns the JSON text of an OpenAI tool call's `arguments` into the object Anthropic's tool_use
// `input` must be. Never throws and never returns a non-object: clients index into `input`.

/** The key under which unparseable arguments are handed back, so the model can see its mistake. */
export const RAW_ARGUMENTS_KEY = '_raw_arguments';

/**
 * Empty or whitespace arguments are a call without parameters: `{}`. Arguments that are not a
 * JSON object (a truncated stream, a model's broken JSON, a bare string) are kept whole as
 * `{ "_raw_arguments": "<text>" }` rather than dropped to `{}`: the client's tool then fails its
 * input validation naming the unexpected key, the model sees what it sent and can retry, and
 * nothing is silently lost. Never "repaired": a truncated file write must not run truncated.
 */
export function parseToolArguments(raw: string): Record<string, unknown> {
  if (raw.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // Falls through to the raw form.
  }
  return { [RAW_ARGUMENTS_KEY]: raw };
}
