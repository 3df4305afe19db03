// Chooses one deployment from a group's candidates: the lowest `order` tier that has any
// deployment not cooling down, then the strategy — simple-shuffle (weighted random by weight,
// else rpm, else tpm), least-busy (fewest in flight) or latency-based (lowest recent average;
// untried deployments first). Pure apart from the injected random source.
import type { Deployment } from '../core/deployment.js';
import type { DeploymentHealth } from './deployment-health.js';
import type { RoutingStrategy } from './router-settings.js';

export function pickDeployment(
  candidates: readonly Deployment[],
  strategy: RoutingStrategy,
  health: DeploymentHealth,
  random: () => number,
): Deployment | undefined {
  if (candidates.length === 0) return undefined;
  const tier = Math.min(...candidates.map((d) => d.order ?? 1));
  const pool = candidates.filter((d) => (d.order ?? 1) === tier);
  if (pool.length === 1) return pool[0];
  switch (strategy) {
    case 'simple-shuffle':
      return weightedRandom(pool, random);
    case 'least-busy':
      return lowest(pool, (d) => health.inFlight(d.id), random);
    case 'latency-based-routing':
      return lowest(pool, (d) => health.averageLatencyMs(d.id) ?? 0, random);
  }
}

function weightedRandom(pool: readonly Deployment[], random: () => number): Deployment {
  const by: (d: Deployment) => number | undefined = pool.some((d) => d.weight !== undefined)
    ? (d) => d.weight
    : pool.some((d) => d.rpm !== undefined)
      ? (d) => d.rpm
      : pool.some((d) => d.tpm !== undefined)
        ? (d) => d.tpm
        : () => 1;
  const weights = pool.map((d) => Math.max(0, by(d) ?? 0));
  const total = weights.reduce((a, b) => a + b, 0);
  if (total === 0) return pool[Math.floor(random() * pool.length)]!;
  let point = random() * total;
  for (let i = 0; i < pool.length; i++) {
    point -= weights[i]!;
    if (point < 0) return pool[i]!;
  }
  return pool[pool.length - 1]!;
}

function lowest(pool: readonly Deployment[], score: (d: Deployment) => number, random: () => number): Deployment {
  let best: Deployment[] = [];
  let bestScore = Infinity;
  for (const d of pool) {
    const s = score(d);
    if (s < bestScore) {
      bestScore = s;
      best = [d];
    } else if (s === bestScore) best.push(d);
  }
  return best[Math.floor(random() * best.length)]!;
}
