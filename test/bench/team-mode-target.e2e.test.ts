// The bench's team-mode target for real: two `switchboard serve` replicas (the built CLI) on one
// throwaway PostgreSQL database, behind the mock upstream, loaded through the balanced pool.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dispatcher } from 'undici';
import { pidsOf, originsOf, type BenchContext, type RunningTarget } from '../../bench/bench-target.js';
import { BENCH_KEY_ALIAS, generateVirtualKey, ledgerFindings, recordedWhenSettled, requestsRecordedFor } from '../../bench/bench-virtual-key.js';
import { createChildRegistry } from '../../bench/child-registry.js';
import { BENCH_MASTER_KEY, singleDeploymentConfig } from '../../bench/gateway-target.js';
import { createLoadPool, runLoad } from '../../bench/load-generator.js';
import { readProcessCpuMs } from '../../bench/read-process-cpu.js';
import { teamModeTarget } from '../../bench/team-mode-target.js';
import { verifyEveryReplica } from '../../bench/verify-target.js';
import { ROOT, ensureBuiltCli } from '../support/cli-process.js';

const NAME = 'team mode under test';

describe('team-mode-target', () => {
  const registry = createChildRegistry();
  const workDir = mkdtempSync(join(tmpdir(), 'switchboard-bench-team-test-'));
  const pools: Dispatcher[] = [];
  let running: RunningTarget | undefined;

  beforeAll(async () => {
    expect(ensureBuiltCli()).toBe(true);
    const benchDir = join(ROOT, 'dist', 'bench');
    const mock = await registry.spawnServer('mock upstream', {
      args: [join(benchDir, 'mock-upstream-server.js')], cwd: ROOT, ipc: true,
      readyPattern: /listening on (http:\/\/127\.0\.0\.1:\d+)/, timeoutMs: 10_000,
    });
    const context: BenchContext = { registry, repoRoot: ROOT, benchDir, mockOrigin: mock.origin, workDir, profileDir: undefined };
    running = await teamModeTarget({
      name: NAME, configYaml: singleDeploymentConfig, masterKey: BENCH_MASTER_KEY, measureStartup: false,
      clientHeaders: async (gateway) => ({ authorization: `Bearer ${await generateVirtualKey(gateway.origin, gateway.masterKey)}` }),
      afterLoad: async (gateway, sent) => ledgerFindings(NAME, BENCH_KEY_ALIAS,
        await recordedWhenSettled(() => requestsRecordedFor(gateway.origin, gateway.masterKey), sent, { timeoutMs: 5_000, intervalMs: 100 }), sent),
    }).start(context);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.destroy()));
    await running?.stop();
    await registry.stopAll();
    rmSync(workDir, { recursive: true, force: true });
  }, 60_000);

  it('runs two replicas on one database: a key made on replica 1 works on both, the load reaches both, every request is metered once', async () => {
    const target = running!;
    const origins = originsOf(target);
    const pids = pidsOf(target);
    expect(origins).toHaveLength(2);
    expect(new Set(origins).size).toBe(2);
    expect(pids).toHaveLength(2);
    expect(target.pid).toBe(pids[0]);

    const pool = createLoadPool(origins, 4);
    pools.push(pool);
    await target.prepare!();
    // The key exists only in the shared database: replica 2 accepting it proves the sharing.
    const verified = await verifyEveryReplica(NAME, pool, target);
    const cpuBefore = pids.map((pid) => readProcessCpuMs(pid)!);
    const load = await runLoad({ pool, request: target.buildRequest('chat'), concurrency: 4, count: 300, deadlineMs: 60_000 });
    expect(load).toMatchObject({ completed: 300, errors: 0 });
    // Both replicas worked for the load (CPU, as the bench's own spread note reads it).
    for (const [i, pid] of pids.entries()) expect(readProcessCpuMs(pid)!).toBeGreaterThan(cpuBefore[i]!);

    const findings = await target.afterLoad!(verified + 300);
    expect(findings.warnings).toEqual([]);
    expect(findings.notes[0]).toBe(`${NAME}: the usage ledger holds 304 usage rows under key "${BENCH_KEY_ALIAS}" for 304 requests sent (every request metered).`);
    expect(findings.notes[1]).toMatch(/CPU time used since start, by replica: replica 1 [\d.]+ s \(\d+ %\), replica 2 [\d.]+ s \(\d+ %\)\.$/);
  }, 120_000);

  it('stops both replicas', async () => {
    const pids = pidsOf(running!);
    await running!.stop();
    running = undefined;
    for (const pid of pids) expect(readProcessCpuMs(pid)).toBeUndefined();
  }, 60_000);
});
