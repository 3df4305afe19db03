// Test kit for storage, keys and metering tests: a temp directory per test, a fake clock that
// only moves when told, and a log that captures lines. Real SQLite files, never :memory:.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../../main/storage/clock.js';
import type { Log } from '../../../main/storage/log.js';
import { openDatabase, type OpenDatabaseOptions, type OpenedDatabase } from '../../../main/storage/open-database.js';

export interface FakeClock extends Clock {
  advance(ms: number): void;
  set(ms: number): void;
}

/** Starts at 2026-03-15T12:00:00Z unless told otherwise. */
export function fakeClock(start = Date.UTC(2026, 2, 15, 12, 0, 0)): FakeClock {
  let now = start;
  return {
    now: () => now,
    advance(ms) {
      now += ms;
    },
    set(ms) {
      now = ms;
    },
  };
}

export interface CapturedLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg: string;
}

export function captureLog(): Log & { lines: CapturedLine[] } {
  const lines: CapturedLine[] = [];
  return {
    lines,
    debug: (obj, msg) => lines.push({ level: 'debug', obj, msg }),
    info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => lines.push({ level: 'error', obj, msg }),
  };
}

export interface TempDir {
  path: string;
  file(name: string): string;
  remove(): void;
}

export function tempDir(prefix = 'switchboard-test-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, file: (name) => join(path, name), remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface TempDatabase extends OpenedDatabase {
  clock: FakeClock;
  log: ReturnType<typeof captureLog>;
  dir: TempDir;
  /** Closes the connection and deletes the directory. */
  dispose(): void;
}

export function openTempDatabase(options: Partial<OpenDatabaseOptions> & { clock?: FakeClock } = {}): TempDatabase {
  const dir = tempDir();
  const clock = options.clock ?? fakeClock();
  const log = captureLog();
  const opened = openDatabase({ file: dir.file('switchboard.db'), log, ...options, clock });
  return {
    ...opened,
    clock,
    log,
    dir,
    dispose() {
      if (opened.db.open) opened.db.close();
      dir.remove();
    },
  };
}
