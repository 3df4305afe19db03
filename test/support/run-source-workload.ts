// Runs a workload (an ES module's source text) in a fresh `node` that can import the TypeScript
// sources (jiti), with `mode` as its one argument and a bare environment: for fault tests that
// need a process of their own, e.g. one whose V8 flags or malloc settings they change.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');

export function runSourceWorkload(workload: string, mode: string): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ['--import', 'jiti/register', '--input-type=module', '-e', workload, '--', mode], {
    cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '' },
  });
}
