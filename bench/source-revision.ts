// Names the code a result was measured on: the short commit, and whether the gateway's sources
// (main/, bin/) had uncommitted changes at the time. Runs read-only git commands; returns
// 'unknown' outside a git checkout rather than failing the bench.
import { execFileSync } from 'node:child_process';

export function sourceRevision(repoRoot: string): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const commit = git('rev-parse', '--short', 'HEAD');
    const dirty = git('status', '--porcelain', '--', 'main', 'bin', 'shared') !== '';
    return dirty ? `${commit} + uncommitted changes in main/` : commit;
  } catch {
    return 'unknown';
  }
}
