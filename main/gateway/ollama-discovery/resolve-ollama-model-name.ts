// How Ollama clients name Switchboard's models: every name carries a `:tag` (`gpt-4o` is listed as
// `gpt-4o:latest`), and `x` and `x:latest` are the same model, as in Ollama itself. Pure; never
// guesses beyond `:latest` (a configured `qwen3:8b` is found by exactly that name).

const LATEST = ':latest';

/** The name /api/tags lists for a configured model group or alias. */
export function toOllamaTagName(configured: string): string {
  return configured.includes(':') ? configured : `${configured}${LATEST}`;
}

/**
 * The configured model (group or alias) an Ollama client means by `requested`, or undefined:
 * an exact name first, then `x:latest` for a configured `x`, then `x` for a configured `x:latest`.
 * `exists` is the router's resolve (groups and aliases).
 */
export function resolveOllamaModelName(requested: string, exists: (name: string) => boolean): string | undefined {
  if (requested.length === 0) return undefined;
  if (exists(requested)) return requested;
  if (requested.endsWith(LATEST)) {
    const bare = requested.slice(0, -LATEST.length);
    // A configured name containing ':' matches exactly only, so `a:b:latest` never finds `a:b`.
    if (bare.length > 0 && !bare.includes(':') && exists(bare)) return bare;
    return undefined;
  }
  if (!requested.includes(':') && exists(`${requested}${LATEST}`)) return `${requested}${LATEST}`;
  return undefined;
}
