// Test helpers (not tests) for routing: deployments built in one line, a seeded random source,
// and a hand-driven clock. Nothing here touches the network or the wall clock.
import type { Deployment } from '../../../main/core/deployment.js';
export { seededRandom } from '../../../bench/seeded-random.js';

export function deployment(id: string, overrides: Partial<Deployment> = {}): Deployment {
  return {
    id,
    modelName: 'group',
    provider: 'openai',
    protocol: 'openai',
    upstreamModel: `up-${id}`,
    apiBase: 'http://127.0.0.1:9/v1',
    origin: 'http://127.0.0.1:9',
    credential: { kind: 'none' },
    timeouts: { connectMs: 1000, firstByteMs: 1000, idleMs: 1000 },
    pricing: {},
    source: { kind: 'default' },
    modelInfo: {},
    ...overrides,
  };
}

export interface FakeClock {
  now: () => number;
  advance(ms: number): void;
  set(ms: number): void;
}

export function fakeClock(start = Date.UTC(2025, 0, 1)): FakeClock {
  let t = start;
  return {
    now: () => t,
    advance(ms) {
      t += ms;
    },
    set(ms) {
      t = ms;
    },
  };
}
