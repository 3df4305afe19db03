// What /api/show says a model can do, from its model_info: Copilot and Zed send tools only to a
// model whose capabilities list `tools` (an empty list silently turns agent mode off), images only
// with `vision`, `think` only with `thinking`. Pure; reads model_info, never the upstream.
import type { Deployment } from '../../core/deployment.js';

export type OllamaCapability = 'completion' | 'tools' | 'vision' | 'thinking' | 'embedding';

/**
 * `embedding` alone for embedding models (model_info.mode: embedding); otherwise `completion`,
 * `tools` unless model_info says supports_function_calling: false (almost every chat model a
 * gateway fronts takes tools, and a wrong "no" costs more than a wrong "yes", which fails loudly),
 * `vision` with supports_vision, `thinking` with supports_reasoning.
 */
export function ollamaCapabilities(deployment: Deployment): OllamaCapability[] {
  const info = deployment.modelInfo;
  if (info.mode === 'embedding') return ['embedding'];
  const capabilities: OllamaCapability[] = ['completion'];
  if (info.supports_function_calling !== false) capabilities.push('tools');
  if (info.supports_vision === true) capabilities.push('vision');
  if (info.supports_reasoning === true) capabilities.push('thinking');
  return capabilities;
}
