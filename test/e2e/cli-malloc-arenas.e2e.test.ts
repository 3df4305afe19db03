// glibc's malloc arenas of `switchboard serve` as the bin starts it: two (the main thread's and one
// shared by every other thread). The launcher sets the limit before it loads the CLI bundle; while
// V8 compiles and runs the bundle its own threads each take an arena, which serve's own call (made
// once the bundle runs) cannot take back: the control, which starts the bundle without the
// launcher, ends with more. Linux/glibc with koffi only.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltCli, killStartedClis, ready, ROOT, runCli, stderrMatching, type Cli } from '../support/cli-process.js';

const PRELOAD = pathToFileURL(join(ROOT, 'test', 'support', 'print-malloc-arenas.mjs')).href;

function glibcWithKoffi(): boolean {
  if (process.platform !== 'linux') return false;
  try {
    createRequire(import.meta.url)('koffi').load('libc.so.6').func('void malloc_stats(void)');
    return true;
  } catch {
    return false;
  }
}

let work: string;
let config: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'switchboard-arenas-e2e-'));
  config = join(work, 'config.yaml');
  writeFileSync(config, 'model_list:\n  - model_name: m\n    litellm_params:\n      model: openai/m\n      api_base: "http://127.0.0.1:9/v1"\n');
  expect(ensureBuiltCli()).toBe(true);
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));
afterEach(killStartedClis);

/** The number of arenas glibc lists once the gateway is up. */
async function arenasOf(cli: Cli): Promise<number> {
  await ready(cli);
  cli.child.kill('SIGUSR2');
  const stderr = await stderrMatching(cli, /Total \(incl\. mmap\):/);
  cli.child.kill('SIGTERM');
  await cli.exited;
  return stderr.match(/^Arena \d+:/gm)?.length ?? 0;
}

describe.skipIf(!glibcWithKoffi())('malloc arenas of serve', () => {
  it('the bin limits them to two before the bundle loads', async () => {
    const cli = runCli(['serve', '--config', config, '--port', '0', '--data-dir', join(work, 'bin')], {
      cwd: work, env: { NODE_OPTIONS: `--import=${PRELOAD}`, SWITCHBOARD_MASTER_KEY: 'sk-arenas-test-0123456789abcdef' },
    });
    expect(await arenasOf(cli)).toBe(2);
  }, 60_000);

  it('control: the bundle started without the launcher ends with more (its own call comes too late)', async () => {
    const bundle = pathToFileURL(join(ROOT, 'dist', 'main', 'switchboard.mjs')).href;
    const args = ['serve', '--config', config, '--port', '0', '--data-dir', join(work, 'control')];
    const child = spawn(process.execPath, ['--import', PRELOAD, '--input-type=module', '-e',
      `const { main } = await import(${JSON.stringify(bundle)}); main(${JSON.stringify(args)}, process.env).then((code) => process.exit(code));`], {
      cwd: work, env: { PATH: process.env.PATH ?? '', HOME: work, SWITCHBOARD_LOG_LEVEL: 'warn', SWITCHBOARD_MASTER_KEY: 'sk-arenas-test-0123456789abcdef' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (err += text));
    const exited = new Promise<number | string>((resolve) => child.once('close', (code, signal) => resolve(code ?? signal ?? -1)));
    const cli: Cli = { child, stdout: () => out, stderr: () => err, exited };
    expect(await arenasOf(cli)).toBeGreaterThan(2);
  }, 60_000);
});
