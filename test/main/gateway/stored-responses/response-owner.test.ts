// Whose stored responses a caller sees: a virtual key its own, the admin key and open mode the
// unowned ones (null).
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../../../main/core/principal.js';
import { responseOwnerOf } from '../../../../main/gateway/stored-responses/response-owner.js';

const virtual: Principal = { kind: 'virtual', keyId: 'key_a', alias: 'app', models: [], rpmLimit: null, tpmLimit: null, maxParallelRequests: null, hasBudget: false };

describe('responseOwnerOf', () => {
  it.each([[virtual, 'key_a'], [{ kind: 'master' } as Principal, null], [{ kind: 'open' } as Principal, null]])('%j owns %s', (principal, owner) => {
    expect(responseOwnerOf(principal)).toBe(owner);
  });
});
