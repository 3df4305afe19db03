import { describe, expect, it } from 'vitest';
import { keyAllowsModel } from '../../../main/keys/key-allows-model.js';

describe('keyAllowsModel', () => {
  it.each([
    [[], 'gpt-4o', true],
    [['gpt-4o'], 'gpt-4o', true],
    [['gpt-4o'], 'gpt-4o-mini', false],
    [['gpt-4o'], 'GPT-4O', false],
    [['gpt-4o-mini', 'claude-sonnet'], 'claude-sonnet', true],
    [['*'], 'anything', true],
    [['all-proxy-models'], 'anything', true],
    [['anthropic/*'], 'anthropic/claude-sonnet-4', true],
    [['anthropic/*'], 'openai/gpt-4o', false],
    [['anthropic/*'], 'anthropic/', false],
    [['gpt-4o*'], 'gpt-4o-mini', true],
  ] as const)('allow-list %j admits %j: %s', (allowed, model, expected) => {
    expect(keyAllowsModel(allowed, model)).toBe(expected);
  });
});
