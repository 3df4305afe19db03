// The LiteLLM provider prefixes Switchboard understands: which wire protocol each speaks and its
// documented default api_base. Pure data; a prefix not listed here is a config error, never a
// guess. Local servers default to 127.0.0.1 so nothing leaves the machine unless configured.
import type { ProviderProtocol } from '../core/deployment.js';

export interface ProviderEntry {
  protocol: ProviderProtocol;
  /** Used when the config gives no api_base; undefined means api_base is required. */
  defaultApiBase?: string;
  /** Runs on the user's machine or LAN: priced at zero unless the config says otherwise. */
  local: boolean;
}

export const PROVIDER_CATALOG: Readonly<Record<string, ProviderEntry>> = {
  openai: { protocol: 'openai', defaultApiBase: 'https://api.openai.com/v1', local: false },
  // LiteLLM's generic "any OpenAI-compatible server" prefix.
  openai_like: { protocol: 'openai', local: false },
  hosted_vllm: { protocol: 'openai', defaultApiBase: 'http://127.0.0.1:8000/v1', local: true },
  vllm: { protocol: 'openai', defaultApiBase: 'http://127.0.0.1:8000/v1', local: true },
  lm_studio: { protocol: 'openai', defaultApiBase: 'http://127.0.0.1:1234/v1', local: true },
  llamafile: { protocol: 'openai', defaultApiBase: 'http://127.0.0.1:8080/v1', local: true },
  dashscope: { protocol: 'openai', defaultApiBase: 'https://dashscope-intl.aliyuncs.com/compatible-mode/v1', local: false },
  deepseek: { protocol: 'openai', defaultApiBase: 'https://api.deepseek.com/v1', local: false },
  openrouter: { protocol: 'openai', defaultApiBase: 'https://openrouter.ai/api/v1', local: false },
  groq: { protocol: 'openai', defaultApiBase: 'https://api.groq.com/openai/v1', local: false },
  mistral: { protocol: 'openai', defaultApiBase: 'https://api.mistral.ai/v1', local: false },
  xai: { protocol: 'openai', defaultApiBase: 'https://api.x.ai/v1', local: false },
  together_ai: { protocol: 'openai', defaultApiBase: 'https://api.together.xyz/v1', local: false },
  fireworks_ai: { protocol: 'openai', defaultApiBase: 'https://api.fireworks.ai/inference/v1', local: false },
  ollama_chat: { protocol: 'ollama', defaultApiBase: 'http://127.0.0.1:11434', local: true },
  // LiteLLM's `ollama/` uses /api/generate; we route it to /api/chat, which handles tools (litellm #35711).
  ollama: { protocol: 'ollama', defaultApiBase: 'http://127.0.0.1:11434', local: true },
  anthropic: { protocol: 'anthropic', defaultApiBase: 'https://api.anthropic.com', local: false },
  gemini: { protocol: 'gemini', defaultApiBase: 'https://generativelanguage.googleapis.com', local: false },
  azure: { protocol: 'azure', local: false },
};

export function isKnownProvider(prefix: string): boolean {
  return Object.hasOwn(PROVIDER_CATALOG, prefix);
}
