// Validates an Ollama POST /api/generate body: the shared fields, then prompt, system, suffix,
// images, raw and context. An empty (or absent) prompt is valid: it is a load request.
import { invalidOllamaField, isAbsent, parseOllamaCommonFields, type OllamaCommonFields } from './parse-ollama-common-fields.js';

export interface OllamaGenerateRequest extends OllamaCommonFields {
  prompt: string;
  system: string | undefined;
  /** Text after the insertion point (fill-in-the-middle); only an Ollama deployment can honour it. */
  suffix: string | undefined;
  images: readonly string[];
  raw: boolean;
  /** A previous answer's context tokens; only Ollama can read them. */
  hasContext: boolean;
}

export function parseOllamaGenerateRequest(input: unknown): OllamaGenerateRequest {
  const common = parseOllamaCommonFields(input);
  const { body } = common;
  for (const field of ['prompt', 'system', 'suffix', 'template'] as const) {
    if (!isAbsent(body[field]) && typeof body[field] !== 'string') throw invalidOllamaField(`${field} must be a string`, field);
  }
  if (!isAbsent(body.images) && !(Array.isArray(body.images) && body.images.every((image) => typeof image === 'string'))) {
    throw invalidOllamaField('images must be an array of base64 strings', 'images');
  }
  if (!isAbsent(body.raw) && typeof body.raw !== 'boolean') throw invalidOllamaField('raw must be a boolean', 'raw');
  if (!isAbsent(body.context) && !(Array.isArray(body.context) && body.context.every((n) => Number.isSafeInteger(n)))) {
    throw invalidOllamaField('context must be an array of integers', 'context');
  }
  return {
    ...common,
    prompt: typeof body.prompt === 'string' ? body.prompt : '',
    system: typeof body.system === 'string' && body.system !== '' ? body.system : undefined,
    suffix: typeof body.suffix === 'string' && body.suffix !== '' ? body.suffix : undefined,
    images: Array.isArray(body.images) ? (body.images as string[]) : [],
    raw: body.raw === true,
    hasContext: Array.isArray(body.context) && body.context.length > 0,
  };
}
