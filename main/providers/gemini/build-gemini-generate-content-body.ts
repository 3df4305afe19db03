// Builds a Gemini generateContent / streamGenerateContent request body from a validated OpenAI
// chat body: contents + systemInstruction, tools + toolConfig, generationConfig (max tokens,
// sampling, stop sequences, JSON output, thinking). Only known fields are carried over; what
// would change the response's shape and cannot be honoured (n > 1, logprobs, audio) is a 400.
import { GatewayError } from '../../core/gateway-error.js';
import { isRecord } from '../parse-json-safely.js';
import { convertJsonSchemaToGeminiSchema } from './convert-json-schema-to-gemini-schema.js';
import { convertToGeminiContents } from './convert-to-gemini-contents.js';
import { convertToGeminiTools } from './convert-to-gemini-tools.js';
import { readStopSequences } from '../openai-format/read-stop-sequences.js';

type Json = Record<string, unknown>;

/** litellm's reasoning_effort -> thinkingBudget table (2.5 models; Gemini 3 still accepts budgets). */
const THINKING_BUDGETS: Record<string, number> = { none: 0, minimal: 1024, low: 1024, medium: 2048, high: 4096, xhigh: 8192 };

export function buildGeminiGenerateContentBody(body: Json, modelId: string): Json {
  rejectUnsupported(body);
  const prompt = convertToGeminiContents(body.messages, { requireThoughtSignatures: requiresThoughtSignatures(modelId) });
  const out: Json = { contents: prompt.contents };
  if (prompt.systemInstruction) {
    // Gemma models on the Gemini API refuse systemInstruction ("Developer instruction is not
    // enabled"): the system text leads the first user turn instead.
    if (/^gemma-/i.test(modelId) && prompt.contents[0]?.role === 'user') prompt.contents[0].parts.unshift(...prompt.systemInstruction.parts);
    else out.systemInstruction = prompt.systemInstruction;
  }
  Object.assign(out, convertToGeminiTools(body));
  const generationConfig = buildGenerationConfig(body);
  if (Object.keys(generationConfig).length > 0) out.generationConfig = generationConfig;
  return out;
}

/** Gemini 3 and later validate thought signatures on replayed function calls. */
export function requiresThoughtSignatures(modelId: string): boolean {
  const major = /^gemini-(\d+)/i.exec(modelId)?.[1];
  return major !== undefined && Number(major) >= 3;
}

function buildGenerationConfig(body: Json): Json {
  const config: Json = {};
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (Number.isSafeInteger(maxTokens)) config.maxOutputTokens = maxTokens;
  const numeric: [string, string][] = [
    ['temperature', 'temperature'], ['top_p', 'topP'], ['top_k', 'topK'], ['presence_penalty', 'presencePenalty'], ['frequency_penalty', 'frequencyPenalty'],
  ];
  for (const [from, to] of numeric) if (typeof body[from] === 'number') config[to] = body[from];
  if (Number.isSafeInteger(body.seed)) config.seed = body.seed;
  const stop = readStopSequences(body.stop);
  if (stop) config.stopSequences = stop;
  Object.assign(config, responseFormat(body.response_format));
  const thinking = thinkingConfig(body.reasoning_effort);
  if (thinking) config.thinkingConfig = thinking;
  return config;
}

function responseFormat(format: unknown): Json {
  if (format === undefined || format === null) return {};
  if (isRecord(format)) {
    if (format.type === 'text') return {};
    if (format.type === 'json_object') return { responseMimeType: 'application/json' };
    if (format.type === 'json_schema' && isRecord(format.json_schema) && isRecord(format.json_schema.schema)) {
      return { responseMimeType: 'application/json', responseSchema: convertJsonSchemaToGeminiSchema(format.json_schema.schema) };
    }
  }
  throw new GatewayError('invalid_request', 'response_format must be text, json_object or json_schema with a schema', { param: 'response_format' });
}

function thinkingConfig(effort: unknown): Json | undefined {
  if (effort === undefined || effort === null) return undefined;
  if (typeof effort !== 'string' || !(effort in THINKING_BUDGETS)) {
    throw new GatewayError('invalid_request', 'reasoning_effort must be one of none, minimal, low, medium, high, xhigh', { param: 'reasoning_effort' });
  }
  const budget = THINKING_BUDGETS[effort]!;
  // Thought summaries are only returned when asked for; they become reasoning_content.
  return budget === 0 ? { thinkingBudget: 0 } : { thinkingBudget: budget, includeThoughts: true };
}

function rejectUnsupported(body: Json): void {
  if (typeof body.n === 'number' && body.n !== 1) throw new GatewayError('invalid_request', 'Gemini deployments return one choice here; n must be 1', { param: 'n' });
  if (body.logprobs === true || (body.top_logprobs !== undefined && body.top_logprobs !== null)) {
    throw new GatewayError('invalid_request', 'logprobs are not supported for Gemini deployments', { param: 'logprobs' });
  }
  if (body.audio !== undefined && body.audio !== null) throw new GatewayError('invalid_request', 'Audio output is not supported for Gemini deployments', { param: 'audio' });
  if (Array.isArray(body.modalities) && body.modalities.some((m) => m !== 'text')) {
    throw new GatewayError('invalid_request', 'Only text output is supported for Gemini deployments', { param: 'modalities' });
  }
}
