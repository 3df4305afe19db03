// Maps a requested model name (or an alias such as the active model) to its model group, and
// picks deployments for each attempt, skipping those cooling down. In memory; the deployment
// list is replaced wholesale (never mutated) so a request in flight keeps what it resolved.
import type { Deployment } from '../core/deployment.js';
import type { DeploymentHealth } from './deployment-health.js';
import { pickDeployment } from './pick-deployment.js';
import type { RoutingStrategy } from './router-settings.js';

export interface ModelGroup {
  name: string;
  deployments: readonly Deployment[];
}

export interface ModelRouter {
  /** The group for a model name, following aliases (e.g. `switchboard/active`). */
  resolve(model: string): ModelGroup | undefined;
  /** One deployment for the next attempt, not in `exclude` and not cooling down. */
  pick(group: ModelGroup, exclude?: ReadonlySet<string>): Deployment | undefined;
  /** When every deployment of the group is cooling down: the earliest time one recovers. */
  earliestRecovery(group: ModelGroup): number | undefined;
  groups(): readonly ModelGroup[];
  /** Alias name -> target group, as listed in /v1/models. */
  aliases(): ReadonlyMap<string, string>;
  readonly health: DeploymentHealth;
}

export interface ModelRouterOptions {
  strategy: RoutingStrategy;
  health: DeploymentHealth;
  random?: () => number;
  /** Current aliases; read on every resolve so a switch applies to the next request. */
  aliases?: () => ReadonlyMap<string, string>;
}

const NO_ALIASES: ReadonlyMap<string, string> = new Map();

export function createModelRouter(deployments: readonly Deployment[], options: ModelRouterOptions): ModelRouter {
  const random = options.random ?? Math.random;
  const aliases = options.aliases ?? (() => NO_ALIASES);
  const byName = new Map<string, Deployment[]>();
  for (const deployment of deployments) {
    const list = byName.get(deployment.modelName) ?? [];
    list.push(deployment);
    byName.set(deployment.modelName, list);
  }
  const groups: ModelGroup[] = [...byName].map(([name, list]) => ({ name, deployments: list }));
  const index = new Map(groups.map((group) => [group.name, group]));
  const { health } = options;
  return {
    health,
    resolve(model) {
      const direct = index.get(model);
      if (direct) return direct;
      const target = aliases().get(model);
      return target === undefined ? undefined : index.get(target);
    },
    pick(group, exclude) {
      // A group's only deployment never cools down (as in LiteLLM): there is nothing to route to
      // instead, and a cooldown would turn one 429 or a bad key into "no deployments available".
      if (group.deployments.length === 1) {
        const only = group.deployments[0]!;
        return exclude?.has(only.id) ? undefined : only;
      }
      const candidates = group.deployments.filter((d) => !exclude?.has(d.id) && health.coolingDownUntil(d.id) === undefined);
      return pickDeployment(candidates, options.strategy, health, random);
    },
    earliestRecovery(group) {
      if (group.deployments.length === 1) return undefined;
      let earliest: number | undefined;
      for (const d of group.deployments) {
        const until = health.coolingDownUntil(d.id);
        if (until === undefined) return undefined;
        earliest = earliest === undefined ? until : Math.min(earliest, until);
      }
      return earliest;
    },
    groups: () => groups,
    aliases,
  };
}
