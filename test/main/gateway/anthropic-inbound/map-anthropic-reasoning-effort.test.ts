import { describe, expect, it } from 'vitest';
import { mapAnthropicReasoningEffort } from '../../../../main/gateway/anthropic-inbound/map-anthropic-reasoning-effort.js';

describe('map-anthropic-reasoning-effort', () => {
  it.each([
    [{ type: 'enabled' as const, budget_tokens: 64000 }, undefined, 'high'],
    [{ type: 'enabled' as const, budget_tokens: 10000 }, undefined, 'high'],
    [{ type: 'enabled' as const, budget_tokens: 9999 }, undefined, 'medium'],
    [{ type: 'enabled' as const, budget_tokens: 5000 }, undefined, 'medium'],
    [{ type: 'enabled' as const, budget_tokens: 4999 }, undefined, 'low'],
    [{ type: 'enabled' as const, budget_tokens: 0 }, undefined, 'low'],
    [{ type: 'adaptive' as const }, undefined, undefined],
    [{ type: 'disabled' as const }, undefined, undefined],
    [{ type: 'between_tools' as const }, undefined, undefined],
    [undefined, undefined, undefined],
    [{ type: 'adaptive' as const }, { effort: 'medium' as const }, 'medium'],
    [{ type: 'enabled' as const, budget_tokens: 20000 }, { effort: 'low' as const }, 'low'],
    [undefined, { effort: 'xhigh' as const }, 'high'],
    [undefined, { effort: 'max' as const }, 'high'],
    [{ type: 'enabled' as const, budget_tokens: 6000 }, { effort: null }, 'medium'],
  ])('maps thinking %j with output_config %j to %s', (thinking, outputConfig, expected) => {
    expect(mapAnthropicReasoningEffort(thinking, outputConfig)).toBe(expected);
  });
});
