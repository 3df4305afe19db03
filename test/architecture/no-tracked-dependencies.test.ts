// Installed dependencies and build output are never committed. A worktree whose node_modules was a
// symlink to another checkout's got it committed once (`node_modules/` in .gitignore matches a
// directory, not a symlink); merged, it replaced the real node_modules with a link to itself.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

describe('the repository', () => {
  it('tracks nothing under node_modules or dist, as a folder or as a symlink', () => {
    const tracked = execFileSync('git', ['ls-files', '--', 'node_modules', 'dist', 'release'], { cwd: root, encoding: 'utf8' });
    expect(tracked.trim()).toBe('');
  });

  it('ignores node_modules as any kind of entry (no trailing slash, which would miss a symlink)', () => {
    const lines = readFileSync(join(root, '.gitignore'), 'utf8').split('\n').map((line) => line.trim());
    expect(lines).toContain('node_modules');
    const ignored = execFileSync('git', ['check-ignore', '--no-index', 'node_modules'], { cwd: root, encoding: 'utf8' });
    expect(ignored.trim()).toBe('node_modules');
  });
});
