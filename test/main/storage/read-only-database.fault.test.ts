// S32: a database file that cannot be written gives a typed storage_read_only error with a
// clear message at open, and the file is left where it is (it is not damaged). Root ignores
// permission bits, so as root the file is made immutable with chattr instead.
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, openSync, readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/storage/open-database.js';
import { isStorageError, type StorageError } from '../../../main/storage/storage-error.js';
import { captureLog, tempDir, type TempDir } from './storage-test-kit.js';

let dir: TempDir | null = null;
let undo: (() => void) | null = null;
afterEach(() => {
  undo?.();
  undo = null;
  dir?.remove();
  dir = null;
});

/** Makes the file unwritable for this process; returns false if this machine cannot. */
function makeUnwritable(file: string): boolean {
  if (process.getuid?.() === 0) {
    if (spawnSync('chattr', ['+i', file]).status !== 0) return false;
    undo = () => spawnSync('chattr', ['-i', file]);
  } else {
    chmodSync(file, 0o444);
    undo = () => chmodSync(file, 0o644);
  }
  try {
    closeSync(openSync(file, 'r+'));
    return false;
  } catch {
    return true;
  }
}

describe('openDatabase on a read-only file', () => {
  it('throws storage_read_only naming the file and the fix, and does not move the file', (context) => {
    dir = tempDir();
    const file = dir.file('switchboard.db');
    openDatabase({ file, log: captureLog() }).db.close();
    if (!makeUnwritable(file)) {
      context.skip('cannot make a file read-only here (root without chattr)');
      return;
    }

    let caught: unknown;
    try {
      openDatabase({ file, log: captureLog() });
    } catch (error) {
      caught = error;
    }
    expect(isStorageError(caught, 'storage_read_only')).toBe(true);
    const error = caught as StorageError;
    expect(error.message).toContain(file);
    expect(error.message).toContain('read-only');
    expect(error.message).toContain('permissions');
    expect(existsSync(file)).toBe(true);
    expect(readdirSync(dir.path).filter((n) => n.includes('corrupt'))).toEqual([]);
  });
});
