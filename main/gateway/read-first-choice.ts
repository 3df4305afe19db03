// What every inbound stream encoder reads from a canonical OpenAI chunk: the first choice
// (index 0, or no index) and its delta, and the delta's reasoning text under either name servers
// use. One reading, so the Anthropic, Responses and Ollama encoders cannot drift apart on it.
import { isRecord } from '../providers/parse-json-safely.js';

type Json = Record<string, unknown>;

export interface FirstChoice {
  choice: Json;
  /** `{}` when the choice has no delta (a finish-only chunk). */
  delta: Json;
}

/** The chunk's choice 0 and its delta; undefined when it has none (a usage-only chunk). */
export function readFirstChoice(chunk: Json): FirstChoice | undefined {
  const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
  const choice: unknown = choices.find((candidate: unknown) => isRecord(candidate) && (candidate.index ?? 0) === 0);
  if (!isRecord(choice)) return undefined;
  return { choice, delta: isRecord(choice.delta) ? choice.delta : {} };
}

/** The delta's thinking text: `reasoning_content` (vLLM, DeepSeek, ours) or `reasoning` (Ollama's /v1, OpenRouter). */
export function deltaReasoning(delta: Json): unknown {
  return typeof delta.reasoning_content === 'string' ? delta.reasoning_content : delta.reasoning;
}
