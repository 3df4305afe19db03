// Maps a requested model name to its model group and picks one deployment. Pure and in-memory;
// replaced wholesale (not mutated) when the model list changes, so a request in flight keeps the
// group it resolved.
import type { Deployment } from './deployment.js';

export interface ModelGroup {
  name: string;
  deployments: readonly Deployment[];
}

export interface ModelRouter {
  resolve(model: string): ModelGroup | undefined;
  pick(group: ModelGroup): Deployment;
  groups(): readonly ModelGroup[];
}

export function createModelRouter(deployments: readonly Deployment[], random: () => number = Math.random): ModelRouter {
  const byName = new Map<string, Deployment[]>();
  for (const deployment of deployments) {
    const list = byName.get(deployment.modelName) ?? [];
    list.push(deployment);
    byName.set(deployment.modelName, list);
  }
  const groups: ModelGroup[] = [...byName].map(([name, list]) => ({ name, deployments: list }));
  const index = new Map(groups.map((group) => [group.name, group]));
  return {
    resolve: (model) => index.get(model),
    pick(group) {
      // simple-shuffle: weighted random by `weight` (default 1).
      if (group.deployments.length === 1) return group.deployments[0]!;
      const total = group.deployments.reduce((sum, d) => sum + (d.weight ?? 1), 0);
      let point = random() * total;
      for (const deployment of group.deployments) {
        point -= deployment.weight ?? 1;
        if (point < 0) return deployment;
      }
      return group.deployments[group.deployments.length - 1]!;
    },
    groups: () => groups,
  };
}
