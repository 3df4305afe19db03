import { afterEach, describe, expect, it } from 'vitest';
import { BalancedPool, Pool, type Dispatcher } from 'undici';
import { chatRequest } from '../../bench/chat-request.js';
import { createLoadPool, runLoad } from '../../bench/load-generator.js';
import { startTinyReplica, type TinyReplica } from './tiny-replica-server.js';

const AUTH = 'Bearer sk-bench-test';

describe('load-generator', () => {
  const replicas: TinyReplica[] = [];
  const pools: Dispatcher[] = [];
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.destroy()));
    await Promise.all(replicas.splice(0).map((replica) => replica.close()));
  });

  async function twoReplicas(): Promise<[TinyReplica, TinyReplica]> {
    const started = await Promise.all([startTinyReplica(AUTH), startTinyReplica(AUTH)]);
    replicas.push(...started);
    return started;
  }

  function load(pool: Dispatcher, concurrency: number, count: number) {
    pools.push(pool);
    return runLoad({ pool, request: chatRequest('chat', { authorization: AUTH }), concurrency, count, deadlineMs: 20_000 });
  }

  it('spreads a c=16 load over two replicas, each holding at most half the connections', async () => {
    const [a, b] = await twoReplicas();
    const pool = createLoadPool([a.origin, b.origin], 16);
    expect(pool).toBeInstanceOf(BalancedPool);
    const result = await load(pool, 16, 400);
    expect(result).toMatchObject({ completed: 400, errors: 0 });
    expect(a.answered + b.answered).toBe(400);
    // Round robin over two healthy upstreams: neither is starved.
    expect(Math.min(a.answered, b.answered)).toBeGreaterThanOrEqual(100);
    // Keep-alive, and the same connection count in total as one Pool of 16.
    expect(a.connections).toBeLessThanOrEqual(8);
    expect(b.connections).toBeLessThanOrEqual(8);
  });

  it('alternates between replicas at c=1 (one request in flight at a time)', async () => {
    const [a, b] = await twoReplicas();
    const result = await load(createLoadPool([a.origin, b.origin], 1), 1, 20);
    expect(result).toMatchObject({ completed: 20, errors: 0 });
    expect([a.answered, b.answered]).toEqual([10, 10]);
    expect(a.connections).toBe(1);
    expect(b.connections).toBe(1);
  });

  it('loads a single origin (given alone or as a one-element list) over a plain Pool of `concurrency` connections', async () => {
    const [a, b] = await twoReplicas();
    const single = createLoadPool(a.origin, 4);
    const listed = createLoadPool([b.origin], 4);
    expect(single).toBeInstanceOf(Pool);
    expect(listed).toBeInstanceOf(Pool);
    expect(await load(single, 4, 40)).toMatchObject({ completed: 40, errors: 0 });
    expect(await load(listed, 4, 40)).toMatchObject({ completed: 40, errors: 0 });
    expect([a.answered, b.answered]).toEqual([40, 40]);
    expect(a.connections).toBeLessThanOrEqual(4);
  });

  it('counts the requests one replica refuses as errors (a key the other replica does not know shows up)', async () => {
    const [a] = await twoReplicas();
    const stranger = await startTinyReplica('Bearer sk-some-other-key');
    replicas.push(stranger);
    const result = await load(createLoadPool([a.origin, stranger.origin], 1), 1, 10);
    expect(result.errors).toBeGreaterThan(0);
    expect(result.firstError).toMatch(/HTTP 401/);
    expect(stranger.refused).toBe(result.errors);
  });

  it('refuses an empty origin list', () => {
    expect(() => createLoadPool([], 1)).toThrow(/at least one origin/);
  });
});
