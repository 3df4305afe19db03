// Deployment: one concrete upstream a model name can be served by (one model_list entry).
// Built from config or the database; read-only at request time. Holds a reference to its
// credential, never the credential itself, so a deployment can be logged or listed safely.

/** The wire protocol an adapter speaks; several LiteLLM provider prefixes share one. */
export type ProviderProtocol = 'openai' | 'ollama' | 'anthropic' | 'gemini' | 'azure';

/** Where a provider key comes from. A literal stays in memory, never in the database. */
export type CredentialRef =
  | { kind: 'none' }
  | { kind: 'literal'; value: string }
  | { kind: 'env'; name: string }
  | { kind: 'keychain'; name: string };

export interface DeploymentTimeouts {
  /** TCP/TLS connect. */
  connectMs: number;
  /** From request sent to response headers (local models can be slow to first token). */
  firstByteMs: number;
  /** Longest silence between two body chunks. */
  idleMs: number;
}

export interface ModelPricing {
  /** Integer micro-USD per one million tokens would lose precision; we keep USD per token as given. */
  inputCostPerToken?: number;
  outputCostPerToken?: number;
  cacheReadInputTokenCost?: number;
  cacheCreationInputTokenCost?: number;
}

export interface Deployment {
  /** Stable id: model_info.id, or derived from the group name and position. */
  id: string;
  /** The public name clients send (LiteLLM model_name); entries sharing it form a group. */
  modelName: string;
  /** The LiteLLM provider prefix as written, e.g. `hosted_vllm`, `ollama_chat`. */
  provider: string;
  protocol: ProviderProtocol;
  /** The model name the upstream expects (after the provider prefix). */
  upstreamModel: string;
  /** Absolute base URL without trailing slash, e.g. `http://127.0.0.1:11434`. */
  apiBase: string;
  /** Origin of apiBase; every upstream URL is asserted to stay on it. */
  origin: string;
  credential: CredentialRef;
  apiVersion?: string;
  timeouts: DeploymentTimeouts;
  pricing: ModelPricing;
  maxInputTokens?: number;
  maxOutputTokens?: number;
  /**
   * litellm_params.supports_responses: this OpenAI-compatible server serves /v1/responses
   * itself, so Responses requests pass through instead of being bridged to chat completions.
   * openai/ deployments on OpenAI's API and azure/ ones do unless this is false (a gateway or
   * chat-only server behind an openai/ model name).
   */
  supportsResponses?: boolean;
  /** model_info.base_model (Azure pricing). */
  baseModel?: string;
  weight?: number;
  rpm?: number;
  tpm?: number;
  order?: number;
  /** Where it was defined: shown read-only in the dashboard when it is a file. */
  source: { kind: 'config'; file: string } | { kind: 'default' } | { kind: 'database' };
  /** Remaining model_info as given, for the management API. */
  modelInfo: Record<string, unknown>;
}
