import { describe, expect, it } from 'vitest';
import { closestKey, editDistance } from '../../../main/config/closest-key.js';

describe('closest-key', () => {
  it.each([
    ['api_bse', 'api_base'],
    ['modle_list', 'model_list'],
    ['API_BASE', 'api_base'],
    ['apibase', 'api_base'],
    ['rpn', 'rpm'],
  ])('suggests %s -> %s', (typo, meant) => {
    expect(closestKey(typo, ['model', 'api_base', 'api_key', 'rpm', 'model_list'])).toBe(meant);
  });

  it.each(['frobnicate', 'base', 'xyz'])('suggests nothing for %s, which resembles no key', (key) => {
    expect(closestKey(key, ['model', 'api_base', 'api_key', 'rpm'])).toBeUndefined();
  });

  it('counts a swap of two neighbouring letters as one edit', () => {
    expect(editDistance('modle', 'model')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});
