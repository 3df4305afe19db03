// Test helper (not a test): a complete Deployment for adapter tests, overridable per case.
import type { Deployment } from '../../../main/core/deployment.js';
import type { AdapterTarget } from '../../../main/providers/provider-adapter.js';

export function testDeployment(overrides: Partial<Deployment> = {}): Deployment {
  return {
    id: 'dep-1',
    modelName: 'public-model',
    provider: 'anthropic',
    protocol: 'anthropic',
    upstreamModel: 'claude-sonnet-4-5-20250929',
    apiBase: 'https://api.anthropic.com',
    origin: 'https://api.anthropic.com',
    credential: { kind: 'literal', value: 'sk-test-key' },
    timeouts: { connectMs: 1000, firstByteMs: 1000, idleMs: 1000 },
    pricing: {},
    source: { kind: 'default' },
    modelInfo: {},
    ...overrides,
  };
}

/** `apiKey: null` means the deployment has no key. */
export function testTarget(overrides: Partial<Deployment> = {}, apiKey: string | null = 'sk-test-key'): AdapterTarget {
  return { deployment: testDeployment(overrides), apiKey: apiKey ?? undefined };
}
