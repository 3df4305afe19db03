// The gateway the real-agent e2e tests (Codex CLI, Claude Code) talk to: startGateway as a user
// runs it (SQLite in a temp data folder, keys, the usage ledger) with one model, `local-model`, a
// chat-only local server (hosted_vllm) played by the scripted model. Loopback only.
import { startScriptedModel, type ScriptedModel } from '../support/scripted-model-server.js';
import { startMeteredGateway, type MeteredGateway } from './metered-gateway.js';

/** The model name the agents ask for; Switchboard serves it from the scripted model. */
export const LOCAL_MODEL = 'local-model';

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
  - model_name: ${LOCAL_MODEL}
    litellm_params: { model: hosted_vllm/${LOCAL_MODEL}, api_base: "${url}/v1" }
router_settings: { num_retries: 0, cooldown_time: 0 }
`,
  });
  return { model, gateway, close: () => gateway.close() };
}
