import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ensurePrivateDirectory, ensurePrivateFile } from '../../../main/storage/ensure-private-directory.js';
import { captureLog, tempDir, type TempDir } from './storage-test-kit.js';

const dirs: TempDir[] = [];
function dir(): TempDir {
  const d = tempDir();
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) d.remove();
});

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('ensurePrivateDirectory (S42)', () => {
  it('creates a missing folder, and the folders above it, readable by the owner only', () => {
    const d = dir();
    const log = captureLog();
    ensurePrivateDirectory(d.file('data/switchboard'), log);
    expect(modeOf(d.file('data'))).toBe(0o700);
    expect(modeOf(d.file('data/switchboard'))).toBe(0o700);
    expect(log.lines).toEqual([]);
  });

  it('takes group and other access away from an existing folder, with a warning naming it and its old mode', () => {
    const d = dir();
    const folder = d.file('data');
    mkdirSync(folder);
    chmodSync(folder, 0o755);
    const log = captureLog();
    ensurePrivateDirectory(folder, log);
    expect(modeOf(folder)).toBe(0o700);
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatchObject({ level: 'warn', obj: { path: folder, mode: '755' } });
    expect(log.lines[0]!.msg).toContain(folder);
    expect(log.lines[0]!.msg).toContain('0700');
  });

  it('leaves a private folder alone and says nothing', () => {
    const d = dir();
    const folder = d.file('data');
    mkdirSync(folder, { mode: 0o700 });
    const log = captureLog();
    ensurePrivateDirectory(folder, log);
    expect(modeOf(folder)).toBe(0o700);
    expect(log.lines).toEqual([]);
  });

  it('never adds a permission: a read-only folder stays read-only for its owner', () => {
    const d = dir();
    const folder = d.file('data');
    mkdirSync(folder);
    chmodSync(folder, 0o555);
    ensurePrivateDirectory(folder, captureLog());
    expect(modeOf(folder)).toBe(0o500);
    chmodSync(folder, 0o700);
  });

  it('changes no mode on Windows, where POSIX modes do not apply', () => {
    const d = dir();
    const folder = d.file('data');
    mkdirSync(folder);
    chmodSync(folder, 0o755);
    const log = captureLog();
    ensurePrivateDirectory(folder, log, 'win32');
    expect(modeOf(folder)).toBe(0o755);
    expect(log.lines).toEqual([]);
  });
});

describe('ensurePrivateFile (S42)', () => {
  it('takes group and other access away from an existing file and reports it', () => {
    const d = dir();
    const file = d.file('switchboard.db');
    writeFileSync(file, '');
    chmodSync(file, 0o644);
    expect(ensurePrivateFile(file)).toBe(0o644);
    expect(modeOf(file)).toBe(0o600);
    expect(ensurePrivateFile(file)).toBeNull();
  });

  it('ignores a file that does not exist and never adds write access', () => {
    const d = dir();
    expect(ensurePrivateFile(d.file('missing'))).toBeNull();
    const file = d.file('read-only.db');
    writeFileSync(file, '');
    chmodSync(file, 0o444);
    ensurePrivateFile(file);
    expect(modeOf(file)).toBe(0o400);
  });
});
