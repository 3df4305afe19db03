// The /api/show answer for one model: details as /api/tags lists them, model_info with
// `general.architecture`, `general.basename` and `<arch>.context_length` (Copilot sizes its
// prompts by it, else assumes 4096), and capabilities (ollama-capabilities.ts); a real Ollama's
// own capabilities and model_info where it gave them (upstream-ollama-show.ts). Pure.
import { ollamaCapabilities, type OllamaCapability } from './ollama-capabilities.js';
import type { OllamaModelDetails, OllamaTagEntry } from './synthesise-ollama-model.js';
import type { VisibleOllamaModel } from './list-ollama-models.js';
import type { UpstreamShow } from './upstream-ollama-show.js';

export interface OllamaShow {
  modelfile: string;
  parameters: string;
  template: string;
  details: OllamaModelDetails;
  model_info: Record<string, string | number | boolean>;
  capabilities: (OllamaCapability | string)[];
  modified_at: string;
}

export function buildOllamaShow(model: VisibleOllamaModel, entry: OllamaTagEntry, contextLength: number | undefined, upstream?: UpstreamShow): OllamaShow {
  // A model_info key is `<arch>.<field>`: keep the architecture to characters that cannot split it.
  const architecture = entry.details.family.toLowerCase().replace(/[^a-z0-9_]/g, '') || 'switchboard';
  const modelInfo: Record<string, string | number> = {
    'general.architecture': architecture,
    'general.basename': model.configured.split(':', 1)[0]!,
  };
  if (contextLength !== undefined) modelInfo[`${architecture}.context_length`] = contextLength;
  // The server running the model knows its architecture and context length better than our guess.
  const real = upstream?.modelInfo !== undefined && typeof upstream.modelInfo['general.architecture'] === 'string' ? upstream.modelInfo : undefined;
  return {
    modelfile: `# Served by Switchboard as model "${model.configured}" (${model.deployment.provider}/${model.deployment.upstreamModel})\nFROM ${entry.name}\n`,
    parameters: '',
    template: '{{ .Prompt }}',
    details: entry.details,
    model_info: real ? { 'general.basename': modelInfo['general.basename']!, ...real } : modelInfo,
    capabilities: upstream?.capabilities !== undefined && upstream.capabilities.length > 0 ? upstream.capabilities : ollamaCapabilities(model.deployment),
    modified_at: entry.modified_at,
  };
}
