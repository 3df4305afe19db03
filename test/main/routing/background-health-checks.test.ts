// Health checks in-process: a scripted UpstreamClient stands in for the network (the real-socket
// cases are in health-checks.fault.test.ts), a hand-driven scheduler stands in for the interval.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HEALTH_CHECK_INTERVAL_MS,
  createBackgroundHealthChecks,
  parseHealthCheckSettings,
  type IntervalScheduler,
} from '../../../main/routing/background-health-checks.js';
import { createDeploymentHealth } from '../../../main/routing/deployment-health.js';
import type { Deployment } from '../../../main/core/deployment.js';
import { onAbort } from '../../../main/core/request-abort.js';
import { createOpenAICompatibleAdapter } from '../../../main/providers/openai-compatible-adapter.js';
import { createOllamaAdapter } from '../../../main/providers/ollama-adapter.js';
import type { ProviderAdapter, UpstreamCall } from '../../../main/providers/provider-adapter.js';
import type { UpstreamClient, UpstreamResponse } from '../../../main/providers/upstream-client.js';
import { deployment, fakeClock } from './routing-test-kit.js';
import { upstreamCallJson } from '../../support/upstream-call-json.js';

const KEY = 'sk-upstream-secret-key-0123456789';

type Script = 'ok' | 'hang' | 'refused' | { status: number; body: string };

function fakeUpstream(scripts: Record<string, Script>) {
  const calls: { deploymentId: string; call: UpstreamCall }[] = [];
  const hanging: Promise<unknown>[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const called = (n: number) => new Promise<void>((resolve) => (calls.length >= n ? resolve() : waiters.push({ n, resolve })));
  const client: UpstreamClient = {
    async send(call, d, signal) {
      calls.push({ deploymentId: d.id, call });
      for (const w of waiters) if (calls.length >= w.n) w.resolve();
      const script = scripts[d.id] ?? 'ok';
      if (script === 'hang') {
        const wait = new Promise<never>((_resolve, reject) => onAbort(signal, () => reject(signal.reason)));
        hanging.push(wait.catch(() => undefined));
        return wait;
      }
      if (script === 'refused') throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      const response = (status: number, text: string): UpstreamResponse => ({
        status,
        headers: { 'content-type': 'application/json' },
        body: Readable.from([Buffer.from(text)]) as unknown as UpstreamResponse['body'],
      });
      return script === 'ok' ? response(200, '{"object":"list","data":[]}') : response(script.status, script.body);
    },
    close: async () => undefined,
  };
  return { client, calls, hanging, called };
}

function manualScheduler() {
  const ticks: (() => void)[] = [];
  let cleared = 0;
  const scheduler: IntervalScheduler = {
    setInterval(run, ms) {
      ticks.push(run);
      return { ms };
    },
    clearInterval() {
      cleared++;
    },
  };
  return { scheduler, tick: () => ticks.forEach((run) => run()), started: () => ticks.length, cleared: () => cleared };
}

function setup(deployments: Deployment[], scripts: Record<string, Script>, adapters: Partial<Record<Deployment['protocol'], ProviderAdapter>> = { openai: createOpenAICompatibleAdapter(), ollama: createOllamaAdapter() }) {
  const clock = fakeClock(Date.UTC(2025, 5, 1, 12));
  const health = createDeploymentHealth({ allowedFails: 3, cooldownMs: 30_000, now: clock.now });
  const upstream = fakeUpstream(scripts);
  let mono = 0;
  const sched = manualScheduler();
  const checks = createBackgroundHealthChecks({
    probe: { adapters, upstream: upstream.client, resolveCredential: (ref) => (ref.kind === 'literal' ? ref.value : undefined), monotonic: () => (mono += 5) },
    deployments: () => deployments,
    health: () => health,
    allowedFails: 3,
    now: clock.now,
    scheduler: sched.scheduler,
  });
  return { checks, health, upstream, sched, clock };
}

const withKey = { credential: { kind: 'literal', value: KEY } } as const;

describe('parseHealthCheckSettings', () => {
  it.each([
    [{}, { background: false, intervalMs: DEFAULT_HEALTH_CHECK_INTERVAL_MS }],
    [{ background_health_checks: true }, { background: true, intervalMs: 300_000 }],
    [{ background_health_checks: true, health_check_interval: 60 }, { background: true, intervalMs: 60_000 }],
    [{ background_health_checks: 'yes', health_check_interval: 1 }, { background: false, intervalMs: 5_000 }],
    [{ health_check_interval: -3 }, { background: false, intervalMs: 300_000 }],
  ])('reads %j', (raw, expected) => {
    expect(parseHealthCheckSettings(raw)).toEqual(expected);
  });
});

describe('createBackgroundHealthChecks', () => {
  it('reports healthy and unhealthy endpoints in LiteLLM\'s shape, with latency', async () => {
    const { checks } = setup(
      [
        deployment('up', { modelName: 'chat', upstreamModel: 'gpt-4o', ...withKey }),
        deployment('down', { modelName: 'chat', upstreamModel: 'gpt-4o-mini', apiBase: 'http://127.0.0.1:9/v1' }),
      ],
      { down: 'refused' },
    );
    const report = await checks.check();
    expect(report).toEqual({
      healthy_endpoints: [{ model: 'openai/gpt-4o', model_group: 'chat', api_base: 'http://127.0.0.1:9/v1', deployment_id: 'up', latency_ms: expect.any(Number) }],
      unhealthy_endpoints: [{
        model: 'openai/gpt-4o-mini', model_group: 'chat', api_base: 'http://127.0.0.1:9/v1', deployment_id: 'down', latency_ms: expect.any(Number),
        error: expect.stringContaining('connection refused'),
      }],
      healthy_count: 1,
      unhealthy_count: 1,
      checked_at: '2025-06-01T12:00:00.000Z',
    });
    expect(report.healthy_endpoints[0]!.latency_ms).toBeGreaterThan(0);
  });

  it('calls the adapter\'s models request (GET /models, GET /api/tags) with the deployment\'s key', async () => {
    const { checks, upstream } = setup(
      [deployment('oa', withKey), deployment('ol', { protocol: 'ollama', provider: 'ollama_chat', apiBase: 'http://127.0.0.1:9' })],
      {},
    );
    await checks.check();
    const byId = Object.fromEntries(upstream.calls.map((c) => [c.deploymentId, c.call]));
    expect(byId.oa).toMatchObject({ method: 'GET', path: '/models', headers: { authorization: `Bearer ${KEY}` } });
    expect(byId.ol).toMatchObject({ method: 'GET', path: '/api/tags' });
  });

  it('falls back to a 1-token chat when the adapter has no models request', async () => {
    const { buildModelsRequest: _omit, ...noModels } = createOpenAICompatibleAdapter();
    const { checks, upstream } = setup([deployment('a', { upstreamModel: 'up-model' })], {}, { openai: noModels });
    await checks.check();
    const call = upstream.calls[0]!.call;
    expect(call).toMatchObject({ method: 'POST', path: '/chat/completions' });
    expect(upstreamCallJson(call)).toMatchObject({ model: 'up-model', max_tokens: 1 });
  });

  it('never puts the key or a query string in an error', async () => {
    const body = JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}. See https://example.invalid/docs?key=${KEY}&x=1` } });
    const { checks } = setup([deployment('a', withKey)], { a: { status: 401, body } });
    const report = await checks.check();
    const text = JSON.stringify(report);
    expect(report.unhealthy_count).toBe(1);
    expect(report.unhealthy_endpoints[0]!.error).toContain('HTTP 401');
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('?key=');
  });

  it('ends a cooldown when a probe succeeds, and on demand never starts one', async () => {
    const { checks, health } = setup([deployment('up'), deployment('down')], { down: { status: 500, body: '{}' } });
    health.recordFailure('up', 429);
    await checks.check();
    expect(health.coolingDownUntil('up')).toBeUndefined();
    expect(health.coolingDownUntil('down')).toBeUndefined();
  });

  it('in the background probes at once and on every tick, cooling failed deployments down', async () => {
    const { checks, health, sched, upstream, clock } = setup([deployment('up'), deployment('down')], { down: { status: 503, body: '{}' } });
    health.recordFailure('up', 429);
    checks.start(60_000);
    expect(sched.started()).toBe(1);
    await checks.idle();
    expect(upstream.calls.map((c) => c.deploymentId).sort()).toEqual(['down', 'up']);
    expect(health.coolingDownUntil('down')).toBe(clock.now() + 30_000);
    expect(health.coolingDownUntil('up')).toBeUndefined();
    expect(checks.last()).toMatchObject({ healthy_count: 1, unhealthy_count: 1 });
    clock.advance(30_000);
    sched.tick();
    await checks.idle();
    expect(upstream.calls).toHaveLength(4);
    expect(health.coolingDownUntil('down')).toBe(clock.now() + 30_000);
    await checks.stop();
    expect(sched.cleared()).toBe(1);
  });

  it('runs ticks without piling a run on one still in flight, and stop() cancels probes in flight', async () => {
    const { checks, sched, upstream } = setup([deployment('slow')], { slow: 'hang' });
    checks.start(60_000);
    await upstream.called(1);
    sched.tick();
    sched.tick();
    // Let any (wrongly) started second run reach the upstream before counting.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(upstream.calls).toHaveLength(1);
    await checks.stop();
    await Promise.all(upstream.hanging);
    expect(checks.last()).toBeUndefined();
  });

  it('skips deployments with model_info.disable_background_health_check in the background only', async () => {
    const { checks, upstream } = setup([deployment('a'), deployment('quiet', { modelInfo: { disable_background_health_check: true } })], {});
    checks.start(60_000);
    await checks.idle();
    expect(upstream.calls.map((c) => c.deploymentId)).toEqual(['a']);
    await checks.check();
    expect(upstream.calls.map((c) => c.deploymentId)).toEqual(['a', 'a', 'quiet']);
  });

  it('keeps the last full report; a filtered check does not replace it', async () => {
    const { checks } = setup([deployment('a', { modelName: 'one' }), deployment('b', { modelName: 'two' })], {});
    const full = await checks.check();
    const filtered = await checks.check((d) => d.modelName === 'one');
    expect(filtered.healthy_count).toBe(1);
    expect(checks.last()).toBe(full);
  });
});
