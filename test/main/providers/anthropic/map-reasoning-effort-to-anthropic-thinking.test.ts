import { describe, expect, it } from 'vitest';
import {
  mapReasoningEffortToAnthropicThinking, supportsAdaptiveThinking,
} from '../../../../main/providers/anthropic/map-reasoning-effort-to-anthropic-thinking.js';
import { expectGatewayError } from '../expect-gateway-error.js';

describe('mapReasoningEffortToAnthropicThinking', () => {
  it.each([
    ['claude-opus-4-6', true],
    ['claude-sonnet-4.6', true],
    ['claude-opus-4-7', true],
    ['claude-sonnet-5', true],
    ['claude-opus-4-20250514', false],
    ['claude-sonnet-4-5-20250929', false],
    ['claude-haiku-4-5', false],
    ['claude-3-7-sonnet-20250219', false],
    ['my-custom-proxy-model', false],
  ])('treats %s as adaptive-thinking: %s', (model, expected) => {
    expect(supportsAdaptiveThinking(model)).toBe(expected);
  });

  it.each([
    ['minimal', 1024],
    ['low', 1024],
    ['medium', 2048],
    ['high', 4096],
  ])('gives older models a fixed budget for reasoning_effort %s', (effort, budget) => {
    expect(mapReasoningEffortToAnthropicThinking({ reasoning_effort: effort }, 'claude-sonnet-4-5')).toEqual({
      thinking: { type: 'enabled', budget_tokens: budget },
      budgetTokens: budget,
    });
  });

  it('gives Claude 4.6+ adaptive thinking with an effort instead of a budget', () => {
    expect(mapReasoningEffortToAnthropicThinking({ reasoning_effort: 'medium' }, 'claude-opus-4-7')).toEqual({
      thinking: { type: 'adaptive' },
      effort: 'medium',
    });
  });

  it('turns thinking off for reasoning_effort none or absent', () => {
    expect(mapReasoningEffortToAnthropicThinking({ reasoning_effort: 'none' }, 'claude-opus-4-7')).toEqual({});
    expect(mapReasoningEffortToAnthropicThinking({}, 'claude-opus-4-7')).toEqual({});
  });

  it('passes an Anthropic-native thinking object through and keeps its budget', () => {
    expect(mapReasoningEffortToAnthropicThinking({ thinking: { type: 'enabled', budget_tokens: 3000 } }, 'claude-sonnet-4-5')).toEqual({
      thinking: { type: 'enabled', budget_tokens: 3000 },
      budgetTokens: 3000,
    });
  });

  it('passes newer native thinking types through untouched', () => {
    expect(mapReasoningEffortToAnthropicThinking({ thinking: { type: 'adaptive', display: 'summarized' } }, 'claude-opus-4-7')).toEqual({
      thinking: { type: 'adaptive', display: 'summarized' },
    });
  });

  it.each([
    [{ reasoning_effort: 'extreme' }],
    [{ reasoning_effort: 3 }],
    [{ thinking: { type: 'enabled' } }],
    [{ thinking: 'on' }],
  ])('rejects %j with a 400', (body) => {
    const error = expectGatewayError(() => mapReasoningEffortToAnthropicThinking(body, 'claude-sonnet-4-5'), 'invalid_request');
    expect(error.status).toBe(400);
  });
});
