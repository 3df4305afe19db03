// Builders for usage tests: a complete UsageRecord with overrides, and a deterministic
// pseudo-random generator so large seeded data sets are the same on every run.
import type { UsageRecord } from '../../../main/metering/usage-record.js';
export { seededRandom } from '../../../bench/seeded-random.js';

let sequence = 0;

export function usageRecord(overrides: Partial<UsageRecord> = {}): UsageRecord {
  sequence++;
  return {
    requestId: `req-${sequence}`,
    ts: Date.UTC(2026, 2, 15, 12, 0, 0),
    keyId: null,
    keyAlias: null,
    app: 'curl',
    userAgent: 'curl/8.5.0',
    requestedModel: 'gpt-4o',
    modelGroup: 'gpt-4o',
    deploymentId: 'gpt-4o-0',
    provider: 'openai',
    promptTokens: 100,
    completionTokens: 50,
    cachedTokens: 0,
    cacheCreationTokens: 0,
    reasoningTokens: 0,
    costMicros: 1_000,
    latencyMs: 800,
    ttftMs: 200,
    status: 'success',
    httpStatus: 200,
    errorCode: null,
    usageEstimated: false,
    endpoint: '/v1/chat/completions',
    retries: 0,
    fallbacks: 0,
    ...overrides,
  };
}

