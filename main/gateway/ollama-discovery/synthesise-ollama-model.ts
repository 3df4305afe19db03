// The /api/tags entry of a model that is not a real Ollama model (a cloud or OpenAI-compatible
// deployment), with every field strict clients parse (Zed fails the whole list on a missing one):
// a stable digest (sha256 of the listed name), size 0, a family from the upstream model's name.
// Pure: the same model and time always give the same bytes.
import { createHash } from 'node:crypto';
import type { Deployment } from '../../core/deployment.js';

export interface OllamaModelDetails {
  parent_model: string;
  format: string;
  family: string;
  families: string[];
  parameter_size: string;
  quantization_level: string;
}

export interface OllamaTagEntry {
  name: string;
  model: string;
  modified_at: string;
  size: number;
  digest: string;
  details: OllamaModelDetails;
}

/** `gpt-4o` -> gpt, `claude-sonnet-4-5` -> claude, `qwen3:8b` -> qwen3, `llama3.2` -> llama3. */
export function ollamaFamily(deployment: Deployment): string {
  const base = deployment.upstreamModel.slice(deployment.upstreamModel.lastIndexOf('/') + 1).toLowerCase();
  return /^[a-z]+\d*/.exec(base)?.[0] ?? 'switchboard';
}

export function ollamaDigest(name: string): string {
  return createHash('sha256').update(name).digest('hex');
}

export function synthesiseOllamaModel(name: string, deployment: Deployment, modifiedAt: string): OllamaTagEntry {
  const family = ollamaFamily(deployment);
  return {
    name,
    model: name,
    modified_at: modifiedAt,
    size: 0,
    digest: ollamaDigest(name),
    details: {
      parent_model: '',
      // Not a file format here, but clients only display it and Zed requires a string.
      format: deployment.protocol === 'ollama' ? 'gguf' : 'api',
      family,
      families: [family],
      parameter_size: '',
      quantization_level: '',
    },
  };
}
