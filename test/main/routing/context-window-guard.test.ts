import { describe, expect, it } from 'vitest';
import { guardContextWindow } from '../../../main/routing/context-window-guard.js';
import { createModelRouter } from '../../../main/routing/model-router.js';
import { createDeploymentHealth } from '../../../main/routing/deployment-health.js';
import { DEFAULT_ROUTER_SETTINGS, type RouterSettings } from '../../../main/routing/router-settings.js';
import { isGatewayError } from '../../../main/core/gateway-error.js';
import { estimatePromptTokens } from '../../../main/core/estimate-tokens.js';
import type { Deployment } from '../../../main/core/deployment.js';
import { deployment, fakeClock } from './routing-test-kit.js';

function setup(deployments: Deployment[], contextWindowFallbacks: Record<string, string[]> = {}) {
  const health = createDeploymentHealth({ allowedFails: 3, cooldownMs: 1_000, now: fakeClock().now });
  const router = createModelRouter(deployments, { strategy: 'simple-shuffle', health });
  const settings: RouterSettings = { ...DEFAULT_ROUTER_SETTINGS, contextWindowFallbacks: new Map(Object.entries(contextWindowFallbacks)) };
  return { router, settings };
}

/** A chat body whose estimate is about `tokens` (4 ASCII characters a token). */
const bodyOf = (tokens: number) => ({ model: 'small', messages: [{ role: 'user', content: 'abcd'.repeat(tokens) }] });

describe('guardContextWindow', () => {
  it('never estimates when no deployment of the group has a known limit', () => {
    const { router, settings } = setup([deployment('a', { modelName: 'small' })]);
    let estimated = false;
    const decision = guardContextWindow(router.resolve('small')!, bodyOf(1_000_000), router, settings, undefined, () => {
      estimated = true;
      return 0;
    });
    expect(estimated).toBe(false);
    expect(decision).toEqual({ group: router.resolve('small'), estimatedTokens: undefined, fellBack: false });
  });

  it('keeps the group when the prompt fits', () => {
    const { router, settings } = setup([deployment('a', { modelName: 'small', maxInputTokens: 8_000 })]);
    const decision = guardContextWindow(router.resolve('small')!, bodyOf(100), router, settings);
    expect(decision.group).toBe(router.resolve('small'));
    expect(decision.estimatedTokens).toBe(estimatePromptTokens(bodyOf(100)));
  });

  it('narrows the group to the deployments that can take the prompt; one without a limit always can', () => {
    const { router, settings } = setup([
      deployment('tiny', { modelName: 'small', maxInputTokens: 1_000 }),
      deployment('big', { modelName: 'small', maxInputTokens: 32_000 }),
      deployment('unknown', { modelName: 'small' }),
    ]);
    const decision = guardContextWindow(router.resolve('small')!, bodyOf(5_000), router, settings);
    expect(decision.group.name).toBe('small');
    expect(decision.group.deployments.map((d) => d.id)).toEqual(['big', 'unknown']);
    expect(decision.fellBack).toBe(false);
  });

  it('moves to the first context_window_fallbacks group that can take the prompt', () => {
    const { router, settings } = setup(
      [
        deployment('s', { modelName: 'small', maxInputTokens: 4_000 }),
        deployment('m', { modelName: 'medium', maxInputTokens: 8_000 }),
        deployment('l', { modelName: 'large', maxInputTokens: 128_000 }),
      ],
      { small: ['missing', 'medium', 'large'] },
    );
    const decision = guardContextWindow(router.resolve('small')!, bodyOf(20_000), router, settings);
    expect(decision.group.name).toBe('large');
    expect(decision.fellBack).toBe(true);
  });

  it('skips a context_window_fallbacks group the caller may not use (a key\'s allowed models, S38)', () => {
    const { router, settings } = setup(
      [
        deployment('s', { modelName: 'small', maxInputTokens: 4_000 }),
        deployment('p', { modelName: 'premium' }),
        deployment('l', { modelName: 'large', maxInputTokens: 128_000 }),
      ],
      { small: ['premium', 'large'] },
    );
    const decision = guardContextWindow(router.resolve('small')!, bodyOf(20_000), router, settings, (name) => name !== 'premium');
    expect(decision.group.name).toBe('large');
    expect(() => guardContextWindow(router.resolve('small')!, bodyOf(20_000), router, settings, (name) => name === 'small')).toThrow(
      /no context_window_fallbacks model this key may use can take it/,
    );
  });

  it('answers 400 context_window_exceeded naming the limit and the estimate when nothing can take it', () => {
    const { router, settings } = setup([
      deployment('s1', { modelName: 'small', maxInputTokens: 2_000 }),
      deployment('s2', { modelName: 'small', maxInputTokens: 4_096 }),
    ]);
    const body = bodyOf(10_000);
    try {
      guardContextWindow(router.resolve('small')!, body, router, settings);
      expect.unreachable();
    } catch (error) {
      if (!isGatewayError(error)) throw error;
      expect(error.code).toBe('context_window_exceeded');
      expect(error.status).toBe(400);
      expect(error.message).toContain('4096');
      expect(error.message).toContain(String(estimatePromptTokens(body)));
      expect(error.message).toContain('context_window_fallbacks');
    }
  });

  it('answers 400 when the fallbacks are too small as well', () => {
    const { router, settings } = setup(
      [deployment('s', { modelName: 'small', maxInputTokens: 1_000 }), deployment('m', { modelName: 'medium', maxInputTokens: 2_000 })],
      { small: ['medium'] },
    );
    expect(() => guardContextWindow(router.resolve('small')!, bodyOf(5_000), router, settings)).toThrow(/no context_window_fallbacks model can take it/);
  });
});
