import { afterEach, describe, expect, it } from 'vitest';
import type { Dispatcher } from 'undici';
import { chatRequest } from '../../bench/chat-request.js';
import type { RunningTarget } from '../../bench/bench-target.js';
import { createLoadPool } from '../../bench/load-generator.js';
import { VERIFICATION_REQUESTS, verifyEveryReplica } from '../../bench/verify-target.js';
import { startTinyReplica, type TinyReplica } from './tiny-replica-server.js';

const KEY = 'Bearer sk-made-on-replica-1';

describe('verify-target', () => {
  const replicas: TinyReplica[] = [];
  const pools: Dispatcher[] = [];
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.destroy()));
    await Promise.all(replicas.splice(0).map((replica) => replica.close()));
  });

  async function target(...accepted: string[]): Promise<{ running: RunningTarget; pool: Dispatcher }> {
    const started = await Promise.all(accepted.map((authorization) => startTinyReplica(authorization)));
    replicas.push(...started);
    const origins = started.map((replica) => replica.origin);
    const pool = createLoadPool(origins, 1);
    pools.push(pool);
    const running: RunningTarget = {
      origin: origins[0]!, pid: undefined, ...(origins.length > 1 ? { origins } : {}),
      buildRequest: (kind) => chatRequest(kind, { authorization: KEY }), stop: async () => {},
    };
    return { running, pool };
  }

  it('verifies every replica with the client\'s key, each getting the whole verification', async () => {
    const { running, pool } = await target(KEY, KEY);
    expect(await verifyEveryReplica('team', pool, running)).toBe(2 * VERIFICATION_REQUESTS);
    expect(replicas.map((replica) => replica.answered)).toEqual([VERIFICATION_REQUESTS, VERIFICATION_REQUESTS]);
  });

  it('fails, naming the replica, when the second replica refuses the key made on the first', async () => {
    const { running, pool } = await target(KEY, 'Bearer sk-another-database');
    await expect(verifyEveryReplica('team', pool, running)).rejects.toThrow(/team, replica 2 \(http:\/\/127\.0\.0\.1:\d+\): HTTP 401 for chat/);
  });

  it('verifies a single-origin target over the pool it is given', async () => {
    const { running, pool } = await target(KEY);
    expect(await verifyEveryReplica('gateway', pool, running)).toBe(VERIFICATION_REQUESTS);
    expect(replicas[0]!.answered).toBe(VERIFICATION_REQUESTS);
    expect(replicas[0]!.connections).toBe(1);
  });
});
