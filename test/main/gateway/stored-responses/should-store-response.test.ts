// OpenAI's store rule: stored unless the request says store: false (Codex's setting).
import { describe, expect, it } from 'vitest';
import { shouldStoreResponse } from '../../../../main/gateway/stored-responses/should-store-response.js';

describe('shouldStoreResponse', () => {
  it.each([[{}, true], [{ store: true }, true], [{ store: null }, true], [{ store: false }, false]])('%j: %s', (request, stored) => {
    expect(shouldStoreResponse(request)).toBe(stored);
  });
});
