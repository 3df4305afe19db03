// The gateway the real-agent e2e tests (Codex CLI, Claude Code) talk to: startGateway as a user
// runs it (SQLite in a temp data folder, keys, the usage ledger) with one model name per kind of
// deployment, all served by the one scripted model on that deployment's wire: a chat-only local
// server (hosted_vllm, Chat Completions), an Ollama model (ollama_chat, /api/chat) and an
// Anthropic-format deployment (anthropic, /v1/messages). Loopback only.
import { ANTHROPIC_MOCK_KEY } from '../support/mock-anthropic-upstream.js';
import { startScriptedModel, type ModelWire, type ScriptedModel } from '../support/scripted-model-server.js';
import { startMeteredGateway, type MeteredGateway } from './metered-gateway.js';

/** The model name the agents ask for to reach the chat-only local server. */
export const LOCAL_MODEL = 'local-model';

/** The model name for each wire, and the provider its usage rows name. */
export const AGENT_MODELS: Record<ModelWire, { name: string; provider: string }> = {
  chat: { name: LOCAL_MODEL, provider: 'hosted_vllm' },
  ollama: { name: 'ollama-model', provider: 'ollama_chat' },
  anthropic: { name: 'claude-model', provider: 'anthropic' },
};

export const WIRES: ModelWire[] = ['chat', 'ollama', 'anthropic'];

export interface AgentGateway {
  model: ScriptedModel;
  gateway: MeteredGateway;
  close(): Promise<void>;
}

export async function startAgentGateway(): Promise<AgentGateway> {
  const model = await startScriptedModel();
  const gateway = await startMeteredGateway({
    upstream: model.upstream,
    models: (url) => `model_list:
  - model_name: ${AGENT_MODELS.chat.name}
    litellm_params: { model: hosted_vllm/${LOCAL_MODEL}, api_base: "${url}/v1" }
  - model_name: ${AGENT_MODELS.ollama.name}
    litellm_params: { model: ollama_chat/qwen3-coder, api_base: "${url}" }
  - model_name: ${AGENT_MODELS.anthropic.name}
    litellm_params: { model: anthropic/claude-sonnet-4-5, api_base: "${url}", api_key: "${ANTHROPIC_MOCK_KEY}" }
router_settings: { num_retries: 0, cooldown_time: 0 }
`,
  });
  return { model, gateway, close: () => gateway.close() };
}
