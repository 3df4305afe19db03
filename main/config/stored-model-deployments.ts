// Dashboard-managed models (rows of the models table) as Deployments, read by the same loader as
// config.yaml so both kinds mean exactly the same thing, and merged after the config file's
// models. A stored model that no longer loads (e.g. its os.environ/NAME was unset) is skipped
// and reported, never allowed to stop the gateway from starting.
import { ConfigError } from '../core/config-error.js';
import { parseConfigText } from './load-config.js';
import type { Deployment } from '../core/deployment.js';
import type { StoredModelInput } from '../storage/model-repository.js';

/** A stored model the loader refuses; the message names the field, without a file prefix. */
export class InvalidStoredModelError extends Error {
  override readonly name = 'InvalidStoredModelError';
}

/** Throws InvalidStoredModelError when the model cannot be served. */
export function storedModelToDeployment(model: StoredModelInput, env: NodeJS.ProcessEnv): Deployment {
  // JSON is YAML: the config loader validates it and resolves references as for a file.
  const text = JSON.stringify({ model_list: [{ model_name: model.modelName, litellm_params: model.litellmParams, model_info: { ...model.modelInfo, id: model.id } }] });
  try {
    const [deployment] = parseConfigText(text, 'database', env).deployments;
    if (deployment === undefined) throw new InvalidStoredModelError('The model could not be read');
    return { ...deployment, source: { kind: 'database' } };
  } catch (error) {
    if (error instanceof ConfigError) {
      // "database:1: model_list[0].litellm_params.api_base: ..." -> "litellm_params.api_base: ..."
      throw new InvalidStoredModelError(error.message.replace(/^database(?::\d+)?: /, '').replace(/^model_list\[0\]\.?/, ''));
    }
    throw error;
  }
}

/** Config models first (the first group is the default active model), then stored ones. */
export function mergeDeployments(
  configDeployments: readonly Deployment[],
  stored: readonly StoredModelInput[],
  env: NodeJS.ProcessEnv,
  onSkipped: (model: StoredModelInput, reason: string) => void,
): Deployment[] {
  const merged = configDeployments.map(labelDefault);
  const ids = new Set(merged.map((d) => d.id));
  for (const model of stored) {
    if (ids.has(model.id)) {
      onSkipped(model, `its id "${model.id}" is also used by the config file`);
      continue;
    }
    try {
      merged.push(storedModelToDeployment(model, env));
      ids.add(model.id);
    } catch (error) {
      if (!(error instanceof InvalidStoredModelError)) throw error;
      onSkipped(model, error.message);
    }
  }
  return merged;
}

/** The embedded default config is not a file the user can open: say so. */
function labelDefault(deployment: Deployment): Deployment {
  return deployment.source.kind === 'config' && deployment.source.file === '<default>' ? { ...deployment, source: { kind: 'default' } } : deployment;
}
