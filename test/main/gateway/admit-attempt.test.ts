import { describe, expect, it } from 'vitest';
import { admitAttempt, keyMayUseGroup, modelNotAllowed, refusedAfter, withSkippedFallbacks, type AttemptScope } from '../../../main/gateway/admit-attempt.js';
import { GatewayError } from '../../../main/core/gateway-error.js';
import { StorageError } from '../../../main/storage/storage-error.js';
import type { Principal } from '../../../main/core/principal.js';
import type { Admission } from '../../../main/metering/request-meter.js';
import { deployment } from '../routing/routing-test-kit.js';

function key(models: string[]): Principal {
  return { kind: 'virtual', keyId: 'key_1', alias: 'app', models, rpmLimit: null, tpmLimit: null, maxParallelRequests: null, hasBudget: true };
}

function scope(principal: Principal, cover: Admission['cover'] = () => undefined): AttemptScope {
  return { principal, requestedModel: 'switchboard/active', requestedGroup: 'local', admission: { headers: {}, cover, finish: () => undefined } };
}

describe('keyMayUseGroup', () => {
  it.each([
    ['any group for the admin key', { kind: 'master' } as Principal, 'premium', true],
    ['any group for a key with no list', key([]), 'premium', true],
    ['a group the list names', key(['local', 'premium']), 'premium', true],
    ['a group a pattern covers', key(['prem*']), 'premium', true],
    ['the group an allowed alias points at', key(['switchboard/active']), 'local', true],
    ['not a fallback of the group an allowed alias points at', key(['switchboard/active']), 'premium', false],
    ['not a group the list leaves out', key(['local']), 'premium', false],
    // Keyless Ollama clients: the same rule, except that an empty list allows nothing.
    ['nothing for a keyless client with no list', { kind: 'keyless', models: [] } as Principal, 'local', false],
    ['a group a keyless client\'s list names', { kind: 'keyless', models: ['premium'] } as Principal, 'premium', true],
    ['the group an alias a keyless client may use points at', { kind: 'keyless', models: ['switchboard/active'] } as Principal, 'local', true],
    ['not a group a keyless client\'s list leaves out', { kind: 'keyless', models: ['local'] } as Principal, 'premium', false],
  ])('admits %s', (_name, principal, group, expected) => {
    expect(keyMayUseGroup(principal, 'switchboard/active', 'local', group)).toBe(expected);
  });
});

describe('modelNotAllowed', () => {
  it('tells a keyless client where the allowed models are set', () => {
    const error = modelNotAllowed({ kind: 'keyless', models: [] }, 'premium');
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/general_settings\.ollama_api\.models \(now: none yet\); add "premium" there/);
  });
});

describe('admitAttempt', () => {
  it('refuses a deployment of a group the key may not use without asking the meter', () => {
    let covered = 0;
    const refusal = admitAttempt(scope(key(['local']), () => void covered++), deployment('p', { modelName: 'premium' }));
    expect(refusal).toMatchObject({ code: 'model_not_allowed', status: 403 });
    expect(covered).toBe(0);
  });

  it('returns the meter\'s refusal of one deployment, and admits what the meter covers', () => {
    const budget = new GatewayError('budget_exceeded', 'Budget exceeded');
    expect(admitAttempt(scope(key([]), () => {
      throw budget;
    }), deployment('p', { modelName: 'premium' }))).toBe(budget);
    expect(admitAttempt(scope(key([])), deployment('l', { modelName: 'local' }))).toBeUndefined();
  });

  it('ends the request with 503 storage_busy when the database is busy, not with an upstream error', () => {
    const busy = scope(key([]), () => {
      throw new StorageError('storage_busy', 'The database is busy');
    });
    expect(() => admitAttempt(busy, deployment('p', { modelName: 'premium' }))).toThrow(expect.objectContaining({ code: 'storage_busy', status: 503, retryAfter: 1 }));
  });
});

describe('the final error of a request whose fallbacks were refused', () => {
  it('says why a refused deployment was being tried', () => {
    const earlier = new GatewayError('upstream_unavailable', 'Could not reach upstream deployment local#0 (openai): connection refused', { retryable: true });
    const refusal = refusedAfter(new GatewayError('budget_exceeded', 'Budget exceeded.', { retryAfter: 60 }), deployment('p', { modelName: 'premium' }), earlier);
    expect(refusal).toMatchObject({ code: 'budget_exceeded', status: 429, retryAfter: 60 });
    expect(refusal.message).toBe('Budget exceeded. It was to be served by model "premium" after an earlier attempt failed: Could not reach upstream deployment local#0 (openai): connection refused');
  });

  it('names the fallbacks the key may not use, keeping the error\'s code, status and retry hints', () => {
    const error = new GatewayError('upstream_rate_limited', 'Upstream answered 429', { retryable: true, retryAfter: 7 });
    expect(withSkippedFallbacks(error, ['premium'])).toMatchObject({
      code: 'upstream_rate_limited', retryable: true, retryAfter: 7, message: 'Upstream answered 429. Fallback "premium" was not tried: this key may not use it.',
    });
    expect(withSkippedFallbacks(new GatewayError('upstream_error', 'Failed.'), ['a', 'b']).message).toBe('Failed. Fallbacks "a", "b" were not tried: this key may not use them.');
  });
});
