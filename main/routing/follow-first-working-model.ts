// The active model follows the first working model added while it still points at a default
// nobody chose that does not answer (the built-in llama3.2 on an Ollama that is not running):
// otherwise apps sending `switchboard/active` keep failing after the user added a model that
// works. Never moves a choice the user made, never moves it to a model that does not answer.
import type { Deployment } from '../core/deployment.js';
import type { ActiveModelStore } from './active-model.js';
import type { CallMode } from '../storage/storage-connection.js';
import type { ModelRouter } from './model-router.js';
import { probeDeployment, type ProbeDeps } from './probe-deployment.js';

export interface FollowedModel {
  alias: string;
  /** The default it pointed at, which did not answer. */
  from: string;
  to: string;
}

/** Short: the answer to adding a model waits for these probes. */
export const FOLLOW_PROBE_TIMEOUT_MS = 3_000;

export async function followFirstWorkingModel(
  deps: { activeModel: ActiveModelStore<CallMode>; router: () => ModelRouter; probe: ProbeDeps; timeoutMs?: number },
  added: Deployment,
): Promise<FollowedModel | undefined> {
  const { activeModel } = deps;
  if (!activeModel.followsDefault()) return undefined;
  const current = activeModel.state().model;
  if (current === null || current === added.modelName) return undefined;
  const defaults = deps.router().groups().find((g) => g.name === current)?.deployments ?? [];
  const timeoutMs = deps.timeoutMs ?? FOLLOW_PROBE_TIMEOUT_MS;
  const [addedResult, ...defaultResults] = await Promise.all([added, ...defaults].map((d) => probeDeployment(deps.probe, d, { timeoutMs })));
  if (!addedResult?.healthy || defaultResults.some((r) => r.healthy)) return undefined;
  // The probes took time: a choice made meanwhile (tray, dashboard) wins.
  if (!activeModel.followsDefault() || activeModel.state().model !== current) return undefined;
  await activeModel.switchTo(added.modelName);
  return { alias: activeModel.alias, from: current, to: added.modelName };
}
