import { describe, expect, it } from 'vitest';
import { createModelRouter } from '../../../main/routing/model-router.js';
import { createDeploymentHealth } from '../../../main/routing/deployment-health.js';
import { deployment, fakeClock, seededRandom } from './routing-test-kit.js';

function setup(aliases = new Map<string, string>()) {
  const clock = fakeClock();
  const health = createDeploymentHealth({ allowedFails: 1, cooldownMs: 10_000, now: clock.now });
  const deployments = [
    deployment('chat-a', { modelName: 'chat' }),
    deployment('chat-b', { modelName: 'chat' }),
    deployment('code-a', { modelName: 'code' }),
  ];
  const router = createModelRouter(deployments, { strategy: 'simple-shuffle', health, random: seededRandom(5), aliases: () => aliases });
  return { clock, health, router };
}

describe('createModelRouter', () => {
  it('groups deployments that share a model_name, in config order', () => {
    const { router } = setup();
    expect(router.groups().map((g) => [g.name, g.deployments.map((d) => d.id)])).toEqual([
      ['chat', ['chat-a', 'chat-b']],
      ['code', ['code-a']],
    ]);
  });

  it('resolves an alias to its target group on every call, so a changed alias applies at once', () => {
    const aliases = new Map([['switchboard/active', 'chat']]);
    const { router } = setup(aliases);
    expect(router.resolve('switchboard/active')?.name).toBe('chat');
    aliases.set('switchboard/active', 'code');
    expect(router.resolve('switchboard/active')?.name).toBe('code');
    expect(router.resolve('nope')).toBeUndefined();
  });

  it('lets a group name win over an alias of the same name', () => {
    const { router } = setup(new Map([['chat', 'code']]));
    expect(router.resolve('chat')?.name).toBe('chat');
  });

  it('skips deployments cooling down and excluded ones', () => {
    const { router, health } = setup();
    const chat = router.resolve('chat')!;
    health.recordFailure('chat-a', 500);
    for (let i = 0; i < 20; i++) expect(router.pick(chat)?.id).toBe('chat-b');
    expect(router.pick(chat, new Set(['chat-b']))).toBeUndefined();
  });

  it('reports the earliest recovery only when every deployment of the group is cooling down', () => {
    const { router, health, clock } = setup();
    const chat = router.resolve('chat')!;
    health.recordFailure('chat-a', 500);
    expect(router.earliestRecovery(chat)).toBeUndefined();
    clock.advance(3_000);
    health.recordFailure('chat-b', 500);
    expect(router.earliestRecovery(chat)).toBe(clock.now() - 3_000 + 10_000);
    clock.advance(7_000);
    expect(router.earliestRecovery(chat)).toBeUndefined();
    expect(router.pick(chat)?.id).toBe('chat-a');
  });
});
