// The profiled pass end to end on a tiny target: a real child process under node --cpu-prof (the
// stage interval), loaded by the real load generator, its profile read back and attributed. Proves
// what the unit tests cannot: the profile's clock matches the bench's load window (so start-up and
// warm-up samples are left out), every request is counted, and the CPU per request is read.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { profileFlags, type BenchContext, type BenchTarget } from '../../bench/bench-target.js';
import { chatRequest } from '../../bench/chat-request.js';
import { createChildRegistry } from '../../bench/child-registry.js';
import { readProcessCpuMs, readThreadsCpuMs } from '../../bench/read-process-cpu.js';
import { PROFILER_THREAD, readProfiledCpuMs, runStagePass, STAGE_PROFILE_INTERVAL_US } from '../../bench/stage-pass.js';

/** Answers every request after a little CPU work; writes its profile on SIGTERM (exit). */
const SERVER = `
import { createServer } from 'node:http';
function burn() { let x = 0; for (let i = 0; i < 100000; i++) x += Math.sqrt(i); return x; }
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => { burn(); res.setHeader('content-type', 'application/json'); res.end('{"ok":true}'); });
});
server.listen(0, '127.0.0.1', () => process.stdout.write('tiny listening on http://127.0.0.1:' + server.address().port + '\\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

describe('stage-pass', () => {
  const registry = createChildRegistry();
  let dir: string | undefined;
  afterEach(async () => {
    await registry.stopAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('profiles a target in the load window only, and measures its CPU per request', async () => {
    dir = mkdtempSync(join(tmpdir(), 'stage-pass-test-'));
    const script = join(dir, 'tiny-server.mjs');
    writeFileSync(script, SERVER);
    const seen: BenchContext[] = [];
    const tiny: BenchTarget = {
      name: 'tiny gateway',
      role: 'gateway',
      async start(context) {
        seen.push(context);
        const server = await registry.spawnServer('tiny', {
          args: [...profileFlags(context, 'tiny gateway'), script], cwd: dir!, readyPattern: /listening on (http:\/\/127\.0\.0\.1:\d+)/, timeoutMs: 10_000,
        });
        return {
          origin: server.origin, pid: server.pid, buildRequest: (kind) => chatRequest(kind, {}), stop: () => registry.stop(server.process),
        };
      },
    };
    const context: BenchContext = { registry, repoRoot: dir, benchDir: dir, mockOrigin: 'http://127.0.0.1:1', workDir: dir, profileDir: undefined };
    const [result, ...rest] = await runStagePass({
      context, targets: [tiny], count: 400, warmUpCount: 100, concurrency: 4, deadlineMs: 20_000, profileRoot: join(dir, 'stages'), workRoot: join(dir, 'work'),
    });
    expect(rest).toEqual([]);
    expect(seen[0]!.profileIntervalUs).toBe(STAGE_PROFILE_INTERVAL_US);
    expect(seen[0]!.workDir).not.toBe(dir);
    expect(result!.name).toBe('tiny gateway');
    expect(result!.requests).toBe(400);
    expect(result!.profiles).toBe(1);
    // The clocks matched: the window applied, and it left start-up, warm-up and shutdown out.
    expect(result!.windowNote).toBeUndefined();
    expect(result!.counts.outsideWindow).toBeGreaterThan(0);
    expect(result!.counts.busySamples).toBeGreaterThan(20);
    // No rule names the tiny server's file: its work is "other" (plus V8's own buckets).
    expect(result!.counts.samples.other).toBeGreaterThan(0);
    expect(result!.counts.samples.auth).toBe(0);
    expect(Number.isFinite(result!.cpuUsPerRequest) && result!.cpuUsPerRequest > 0).toBe(true);
  }, 60_000);

  it('skips the direct baseline (no process of its own)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'stage-pass-test-'));
    const direct: BenchTarget = { name: 'direct', role: 'direct', start: () => { throw new Error('must not start'); } };
    const context: BenchContext = { registry, repoRoot: dir, benchDir: dir, mockOrigin: 'http://127.0.0.1:1', workDir: dir, profileDir: undefined };
    expect(await runStagePass({ context, targets: [direct], count: 1, warmUpCount: 1, concurrency: 1, deadlineMs: 1_000, profileRoot: dir, workRoot: dir })).toEqual([]);
  });

  it.runIf(process.platform === 'linux')('leaves V8\'s spinning profiler thread out of the profiled process\'s CPU time', async () => {
    dir = mkdtempSync(join(tmpdir(), 'stage-pass-test-'));
    const script = join(dir, 'busy.mjs');
    writeFileSync(script, `${SERVER}\nsetInterval(() => { let x = 0; for (let i = 0; i < 1e5; i++) x += i; }, 20);\n`);
    const server = await registry.spawnServer('busy', {
      args: ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-interval=${STAGE_PROFILE_INTERVAL_US}`, script], cwd: dir, readyPattern: /listening on (http:\/\/127\.0\.0\.1:\d+)/, timeoutMs: 10_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const profiler = readThreadsCpuMs(server.pid!, PROFILER_THREAD)!;
    const total = readProcessCpuMs(server.pid!)!;
    expect(profiler).toBeGreaterThan(0);
    const withoutProfiler = readProfiledCpuMs(server.pid!)!;
    expect(withoutProfiler).toBeLessThan(total);
    // Ticks are 10 ms and the reads are a moment apart.
    expect(Math.abs(total - profiler - withoutProfiler)).toBeLessThanOrEqual(20);
  }, 30_000);
});
