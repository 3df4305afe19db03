// Maps the model name an Ollama client sends (`name:tag`, usually `name:latest`) to a model name
// Switchboard serves. The one rule both halves of the Ollama API use: /api/tags and /api/show list
// what /api/chat accepts. Never guesses beyond the `:latest` tag: a near miss is a 404, not another model.

/** Ollama's default tag: `llama3` and `llama3:latest` name the same model. */
export const DEFAULT_OLLAMA_TAG = 'latest';

/**
 * The configured name `name` refers to, or undefined when none does:
 * - an exact match always wins (so a configured `qwen3:8b` matches only `qwen3:8b`);
 * - `my-model:latest` finds a configured `my-model` (clients append the default tag);
 * - `my-model` finds a configured `my-model:latest` (Ollama's own reading of an untagged name).
 */
export function resolveOllamaModelName(name: string, knownNames: Iterable<string>): string | undefined {
  const known = knownNames instanceof Set ? (knownNames as ReadonlySet<string>) : new Set(knownNames);
  if (known.has(name)) return name;
  const suffix = `:${DEFAULT_OLLAMA_TAG}`;
  if (name.endsWith(suffix)) {
    const bare = name.slice(0, -suffix.length);
    if (bare !== '' && known.has(bare)) return bare;
    return undefined;
  }
  if (!name.includes(':') && known.has(name + suffix)) return name + suffix;
  return undefined;
}
