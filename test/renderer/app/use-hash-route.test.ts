import { describe, expect, it } from 'vitest';
import { pageFromHash } from '../../../renderer/src/app/use-hash-route.js';

describe('pageFromHash', () => {
  it.each([
    ['', 'overview'],
    ['#/', 'overview'],
    ['#/models', 'models'],
    ['#models', 'models'],
    ['#/logs?x=1', 'logs'],
    ['#/keys/extra', 'keys'],
    ['#/unknown', 'overview'],
    ['#setup', 'overview'],
    ['#/constructor', 'overview'],
  ])('%j shows %s', (hash, page) => {
    expect(pageFromHash(hash)).toBe(page);
  });
});
