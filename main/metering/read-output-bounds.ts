// Reads from an OpenAI-format request body what bounds the output a provider may generate and
// bill for it: the per-choice token cap and every multiplier (`n`, `best_of`, a batch of
// prompts), and whether it asks for output the price table cannot price (audio, images). Feeds
// the budget's worst case (S37). Pure: it never throws on odd input and never reads text.
import type { EndpointKind } from '../providers/provider-adapter.js';

export interface OutputBounds {
  /** The request's own cap per choice: max_completion_tokens, else max_tokens; undefined when absent. */
  maxTokens: number | undefined;
  /** Outputs generated (and billed), each up to the cap: at least 1, at most Number.MAX_SAFE_INTEGER. */
  choices: number;
  /** The first non-text output asked for (`audio`, `image`...), billed at rates we do not know. */
  unpricedOutput: string | undefined;
}

const ONE_TEXT_CHOICE: OutputBounds = Object.freeze({ maxTokens: undefined, choices: 1, unpricedOutput: undefined });

export function readOutputBounds(endpoint: EndpointKind, body: Record<string, unknown>): OutputBounds {
  // Embeddings generate nothing; `n` there means nothing to the provider.
  if (endpoint === 'embeddings') return ONE_TEXT_CHOICE;
  const maxTokens = positive(body.max_completion_tokens) ?? positive(body.max_tokens);
  // best_of makes the provider generate that many server-side and return n of them: it bills
  // them all (OpenAI completions; vLLM takes it on chat too).
  let choices = Math.max(positive(body.n) ?? 1, positive(body.best_of) ?? 1);
  // A completions batch (`prompt: ["a", "b"]` or token arrays) answers n choices per prompt; a
  // single tokenised prompt is an array of numbers.
  if (endpoint === 'completions' && Array.isArray(body.prompt) && body.prompt.length > 1 && !body.prompt.every((p) => typeof p === 'number')) {
    choices *= body.prompt.length;
  }
  return { maxTokens, choices: Math.min(choices, Number.MAX_SAFE_INTEGER), unpricedOutput: unpricedOutput(body) };
}

/** Audio output (gpt-4o-audio) and image output are billed per audio/image token at their own rates. */
function unpricedOutput(body: Record<string, unknown>): string | undefined {
  if (Array.isArray(body.modalities)) {
    for (const modality of body.modalities) if (modality !== 'text') return String(modality);
  }
  // The audio parameter alone makes OpenAI answer with audio.
  if (body.audio !== undefined && body.audio !== null) return 'audio';
  return undefined;
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.floor(value) : undefined;
}
