import { describe, expect, it } from 'vitest';
import { missingDeployments } from '../../bench/verify-deployment-spread.js';

describe('verify-deployment-spread', () => {
  it.each([
    ['both served', ['a', 'b', 'a'], ['a', 'b'], []],
    ['one never served', ['a', 'a', 'a'], ['a', 'b'], ['b']],
    ['none named', [], ['a', 'b'], ['a', 'b']],
    ['a deployment outside the group does not count', ['a', 'c'], ['a', 'b'], ['b']],
    ['nothing expected', ['a'], [], []],
  ])('missingDeployments: %s', (_name, seen, expected, missing) => {
    expect(missingDeployments(seen, expected)).toEqual(missing);
  });
});
