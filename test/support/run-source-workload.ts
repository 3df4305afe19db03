// Runs a workload (an ES module's source text) in a fresh `node` that can import the TypeScript
// sources (jiti), with `mode` as its one argument and a bare environment: for fault tests that
// need a process of their own, e.g. one whose V8 flags or malloc settings they change.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

export interface SourceWorkloadOptions {
  /**
   * Its stdout a pipe whose reader has already gone (its writes fail with EPIPE). `status` is then
   * node's exit status, read from the `status N` line a shell adds to stderr.
   */
  stdoutWithoutReader?: boolean;
  timeoutMs?: number;
}

export function runSourceWorkload(workload: string, mode: string, options: SourceWorkloadOptions = {}): SpawnSyncReturns<string> {
  const args = ['--import', 'jiti/register', '--input-type=module', '-e', workload, '--', mode];
  const common = { cwd: ROOT, encoding: 'utf8' as const, timeout: options.timeoutMs ?? 60_000, env: { PATH: process.env.PATH ?? '' } };
  if (!options.stdoutWithoutReader) return spawnSync(process.execPath, args, common);
  // `true` reads nothing and exits at once; node starts after it, so every write meets no reader.
  const run = spawnSync('sh', ['-c', '(sleep 0.3; "$0" "$@"; echo "status $?" >&2) | true', process.execPath, ...args], common);
  const status = /status (\d+)\s*$/.exec(run.stderr ?? '');
  return { ...run, status: status ? Number(status[1]) : null };
}
