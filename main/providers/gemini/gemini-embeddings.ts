// Translates OpenAI embeddings requests to Gemini's batchEmbedContents (one request per input,
// so one call serves a string or a list) and the `{embeddings:[{values}]}` answer back to an
// OpenAI embedding list. Token-id inputs have no Gemini equivalent: 400. Returns floats only.
import { GatewayError } from '../../core/gateway-error.js';
import type { ParsedResponse } from '../provider-adapter.js';
import { isRecord } from '../parse-json-safely.js';
import { readGeminiUsage } from './gemini-usage.js';

type Json = Record<string, unknown>;

export function buildGeminiEmbeddingsBody(body: Json, modelId: string): Json {
  const inputs = typeof body.input === 'string' ? [body.input] : body.input;
  if (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((i) => typeof i === 'string')) {
    throw new GatewayError('invalid_request', 'input must be a string or a non-empty array of strings for Gemini embeddings (token ids are not supported)', { param: 'input' });
  }
  const dimensions = Number.isSafeInteger(body.dimensions) && (body.dimensions as number) > 0 ? (body.dimensions as number) : undefined;
  return {
    requests: inputs.map((text) => {
      const request: Json = { model: `models/${modelId}`, content: { parts: [{ text }] } };
      if (dimensions !== undefined) request.outputDimensionality = dimensions;
      return request;
    }),
  };
}

export function parseGeminiEmbeddings(json: unknown, model: string): ParsedResponse {
  if (!isRecord(json) || !Array.isArray(json.embeddings)) throw new GatewayError('upstream_bad_response', 'Gemini sent embeddings without an embeddings array');
  const data = json.embeddings.map((embedding: unknown, index) => {
    const values = isRecord(embedding) ? embedding.values : undefined;
    if (!Array.isArray(values) || !values.every((v) => typeof v === 'number')) throw new GatewayError('upstream_bad_response', 'Gemini sent an embedding without numeric values');
    return { object: 'embedding', index, embedding: values };
  });
  // batchEmbedContents reports no token counts on most models: usage stays unknown then.
  const usage = readGeminiUsage(json.usageMetadata);
  return {
    body: {
      object: 'list',
      data,
      model,
      usage: { prompt_tokens: usage?.promptTokens ?? 0, total_tokens: usage?.promptTokens ?? 0 },
    },
    usage,
  };
}
