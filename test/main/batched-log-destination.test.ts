import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBatchedLogDestination } from '../../main/batched-log-destination.js';
import { runSourceWorkload } from '../support/run-source-workload.js';

const MODULE = pathToFileURL(join(import.meta.dirname, '..', '..', 'main', 'batched-log-destination.ts')).href;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createBatchedLogDestination', () => {
  let dir: string;
  let file: string;
  let fd: number;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'batched-log-'));
    file = join(dir, 'log');
    fd = openSync(file, 'a');
  });
  afterEach(() => {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds short lines until the delay, then writes them together and in order', async () => {
    const sink = createBatchedLogDestination({ fd, minBytes: 4_096, maxDelayMs: 80 });
    sink.write('one\n');
    sink.write('two\n');
    await sleep(20);
    expect(readFileSync(file, 'utf8')).toBe('');
    sink.write('three\n');
    await sleep(200);
    expect(readFileSync(file, 'utf8')).toBe('one\ntwo\nthree\n');
  });

  it('writes as soon as minBytes are waiting, without waiting for the delay', async () => {
    const sink = createBatchedLogDestination({ fd, minBytes: 64, maxDelayMs: 60_000 });
    const line = `${'x'.repeat(39)}\n`;
    sink.write(line);
    await sleep(20);
    expect(readFileSync(file, 'utf8')).toBe('');
    sink.write(line);
    await sleep(50);
    expect(readFileSync(file, 'utf8')).toBe(line + line);
    sink.flushSync();
  });

  it('flushSync writes what is waiting at once and cancels the timer', async () => {
    const sink = createBatchedLogDestination({ fd, minBytes: 4_096, maxDelayMs: 30 });
    sink.write('waiting\n');
    sink.flushSync();
    expect(readFileSync(file, 'utf8')).toBe('waiting\n');
    await sleep(80);
    expect(readFileSync(file, 'utf8')).toBe('waiting\n');
  });

  it('flush(done) writes what is waiting without the delay and calls back once it is written (pino logger.flush)', async () => {
    const sink = createBatchedLogDestination({ fd, minBytes: 4_096, maxDelayMs: 60_000 });
    sink.write('first\n');
    sink.write('second\n');
    await new Promise<void>((resolve, reject) => sink.flush((error) => (error ? reject(error) : resolve())));
    expect(readFileSync(file, 'utf8')).toBe('first\nsecond\n');
  });

  it('keeps writing batch after batch', async () => {
    const sink = createBatchedLogDestination({ fd, minBytes: 4_096, maxDelayMs: 20 });
    const expected: string[] = [];
    for (let batch = 0; batch < 3; batch++) {
      for (let line = 0; line < 5; line++) {
        const text = `batch ${batch} line ${line}\n`;
        expected.push(text);
        sink.write(text);
      }
      await sleep(80);
      expect(readFileSync(file, 'utf8')).toBe(expected.join(''));
    }
  });

  it('a process that exits with lines waiting still writes them (pino flushes at exit)', () => {
    const workload = `
      import pino from 'pino';
      // jiti hands a TypeScript module over as its default export.
      const loaded = await import(${JSON.stringify(MODULE)});
      const { createBatchedLogDestination } = loaded.createBatchedLogDestination ? loaded : loaded.default;
      // The destination as pino's second argument, as createLogger passes it (a lone argument is options).
      const log = pino({}, createBatchedLogDestination({ fd: 1, minBytes: 16_000, maxDelayMs: 60_000 }));
      for (let i = 0; i < 50; i++) log.info({ i }, 'line');
      if (process.argv.at(-1) === 'exit') process.exit(0);
      // 'end-of-script': the event loop empties (the flush timer is unref'd) and pino's exit hook runs.
    `;
    for (const mode of ['exit', 'end-of-script']) {
      const run = runSourceWorkload(workload, mode);
      expect(run.status, run.stderr).toBe(0);
      const lines = run.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { i: number });
      expect(lines.map((line) => line.i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    }
  });
  it('a destination that fails (a full disk: ENOSPC) drops the lines, never throws and never retries at flushSync', () => {
    const full = openSync('/dev/full', 'w');
    try {
      const sink = createBatchedLogDestination({ fd: full, minBytes: 64, maxDelayMs: 60_000 });
      const line = `${'x'.repeat(39)}\n`;
      // The first full batch is written at once and fails; later lines are dropped without a write.
      expect(() => {
        sink.write(line);
        sink.write(line);
      }).not.toThrow();
      expect(sink.dropped()).toBe(2);
      sink.write('short\n');
      // sonic-boom's own flushSync retried such an error forever (100 ms sleeps): this returns.
      const started = Date.now();
      sink.flushSync();
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(sink.dropped()).toBe(3);
    } finally {
      closeSync(full);
    }
  });

  it('a process whose output pipe has no reader left (EPIPE) still exits, with the lines it could not write counted', () => {
    const workload = `
      import pino from 'pino';
      const loaded = await import(${JSON.stringify(MODULE)});
      const { createBatchedLogDestination } = loaded.createBatchedLogDestination ? loaded : loaded.default;
      const sink = createBatchedLogDestination({ fd: 1, minBytes: 16_000, maxDelayMs: 60_000 });
      const log = pino({}, sink);
      // stdout is a pipe whose reader is already gone.
      for (let i = 0; i < 50; i++) log.info({ i }, 'line');
      process.on('exit', () => process.stderr.write('dropped ' + sink.dropped() + String.fromCharCode(10)));
      process.exit(0);
    `;
    const run = runSourceWorkload(workload, 'exit', { stdoutWithoutReader: true, timeoutMs: 15_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain('dropped 50');
  });
});
