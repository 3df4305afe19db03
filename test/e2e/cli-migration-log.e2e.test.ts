// What `switchboard serve --log-format pretty` says about the database at start, as a person
// reads it in a terminal: one line when migrations ran (a new or older database), nothing on
// an ordinary start, and each migration by name only at debug level.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION } from '../../main/storage/migrations/index.js';
import { ensureBuiltCli, killStartedClis, ready, ROOT, runCli } from '../support/cli-process.js';

const SEED = join(ROOT, 'test', 'fixtures', 'config', 'seed-litellm.yaml');

let work: string;
/** The seed config without its database_url (which selects PostgreSQL): the SQLite start-up lines. */
let seedOnSqlite: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'switchboard-cli-migrations-'));
  seedOnSqlite = join(work, 'seed-on-sqlite.yaml');
  writeFileSync(seedOnSqlite, readFileSync(SEED, 'utf8').replace(/^[ \t]*database_url:.*\n/m, ''));
  expect(ensureBuiltCli()).toBe(true);
}, 120_000);
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});
afterEach(killStartedClis);

/** Starts serve on `dataDir` until its ready line, stops it, and returns the stderr lines about the schema. */
async function schemaLinesOfOneStart(dataDir: string, level: string): Promise<string[]> {
  const cli = runCli(['serve', '--config', seedOnSqlite, '--port', '0', '--data-dir', join(work, dataDir), '--log-format', 'pretty'], {
    cwd: work,
    env: { SWITCHBOARD_LOG_LEVEL: level },
  });
  await ready(cli);
  // Read stderr only after exit: stdout's ready line and stderr's log are separate pipes.
  cli.child.kill('SIGTERM');
  expect(await cli.exited).toBe(0);
  // Config warnings name the data dir, whose temp name holds "migrations": they are not log lines.
  return cli.stderr().split('\n').filter((line) => !line.startsWith('switchboard: warning:') && /migration|schema/i.test(line));
}

describe('serve: database start-up lines in the pretty log', () => {
  it('prints one info line when it creates the database, and none when it opens an up-to-date one', async () => {
    const first = await schemaLinesOfOneStart('fresh', 'info');
    expect(first).toEqual([expect.stringMatching(new RegExp(`^\\d\\d:\\d\\d:\\d\\d  INFO   Database upgraded to schema ${LATEST_SCHEMA_VERSION}\\.`))]);

    expect(await schemaLinesOfOneStart('fresh', 'info')).toEqual([]);
  }, 60_000);

  it('names every migration it applies at debug level, before the one info line', async () => {
    const lines = await schemaLinesOfOneStart('debugged', 'debug');
    const applied = lines.filter((line) => line.includes('Applied database migration'));
    expect(applied).toHaveLength(LATEST_SCHEMA_VERSION);
    for (const line of applied) expect(line).toMatch(/^\d\d:\d\d:\d\d  DEBUG  Applied database migration \d+ \(/);
    expect(lines.at(-1)).toMatch(new RegExp(`INFO   Database upgraded to schema ${LATEST_SCHEMA_VERSION}\\.`));
  }, 60_000);
});
