// Owner-only access to the data folder and the database files (S42): they hold key hashes and,
// with body logging on, prompts. A missing folder is created 0700; an existing folder or file
// that group or others may use loses those bits. Never adds a permission (a read-only file stays
// read-only) and changes nothing on Windows, where POSIX modes do not apply.
import { chmodSync, mkdirSync, statSync } from 'node:fs';
import type { Log } from './log.js';

const GROUP_AND_OTHER = 0o077;

/**
 * Creates `dir` (and missing parents) readable by its owner only, or takes group and other
 * access away from an existing one with a warning. A folder we cannot change (owned by someone
 * else) is a warning too, not a failure: the files inside are still made owner-only.
 */
export function ensurePrivateDirectory(dir: string, log: Log, platform: NodeJS.Platform = process.platform): void {
  // mode is masked by the umask, which can only remove bits: 0700 never comes out wider.
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (platform === 'win32') return;
  const mode = statSync(dir).mode & 0o777;
  if ((mode & GROUP_AND_OTHER) === 0) return;
  const shown = mode.toString(8);
  try {
    chmodSync(dir, mode & ~GROUP_AND_OTHER);
  } catch (error) {
    log.warn(
      { path: dir, mode: shown },
      `The data folder ${dir} can be read by other users (mode ${shown}) and Switchboard could not change that (${(error as Error).message}); restrict it to mode 0700 yourself.`,
    );
    return;
  }
  log.warn({ path: dir, mode: shown }, `The data folder ${dir} could be read by other users (mode ${shown}); changed it to 0700 (owner only).`);
}

/**
 * Takes group and other access away from `file` if it exists; returns its previous mode when it
 * changed one, else null. Throws only if the file exists and cannot be changed.
 */
export function ensurePrivateFile(file: string, platform: NodeJS.Platform = process.platform): number | null {
  if (platform === 'win32') return null;
  let mode: number;
  try {
    mode = statSync(file).mode & 0o777;
  } catch {
    return null; // Missing: whoever creates it next inherits the database file's mode.
  }
  if ((mode & GROUP_AND_OTHER) === 0) return null;
  chmodSync(file, mode & ~GROUP_AND_OTHER);
  return mode;
}
