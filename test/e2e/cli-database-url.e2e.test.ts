// `switchboard serve` given a PostgreSQL URL, as a user runs it (the real CLI, spawned): until the
// repositories run on PostgreSQL, `--database-url` is refused; a URL from the config (a LiteLLM
// config.yaml, read unchanged) or DATABASE_URL starts on SQLite with a warning naming where the
// URL came from, password masked, and where the data goes; never silently. A bad URL is refused
// with its reason. No URL (or an empty DATABASE_URL) starts on SQLite without a word.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltCli, killStartedClis, ready, ROOT, runCli as runCliIn } from '../support/cli-process.js';

const SEED = join(ROOT, 'test', 'fixtures', 'config', 'seed-litellm.yaml');
const PASSWORD = 'pg-pass-never-printed';
const TEAM_URL = `postgresql://switchboard:${PASSWORD}@db.internal:5432/switchboard`;
const MASKED = 'postgresql://switchboard:****@db.internal:5432/switchboard';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'switchboard-cli-dburl-'));
  expect(ensureBuiltCli()).toBe(true);
}, 120_000);
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});
afterEach(killStartedClis);

const runCli = (args: string[], env: Record<string, string> = {}) => runCliIn(args, { cwd: work, env });

function config(name: string, databaseUrl: string): string {
  const file = join(work, name);
  writeFileSync(file, `model_list:\n  - model_name: m\n    litellm_params: { model: openai/m, api_base: "http://127.0.0.1:9/v1" }\ngeneral_settings:\n  database_url: "${databaseUrl}"\n`);
  return file;
}

describe('switchboard serve with a PostgreSQL URL (team mode not available yet)', () => {
  it('refuses --database-url with the password masked and how to use SQLite instead, and writes no SQLite file', async () => {
    const data = join(work, 'flag');
    const cli = runCli(['serve', '--port', '0', '--data-dir', data, '--database-url', TEAM_URL]);
    expect(await cli.exited).toBe(2);
    const stderr = cli.stderr();
    expect(stderr).toContain(`switchboard: --database-url selects PostgreSQL (${MASKED}), but team mode on PostgreSQL is not available in this version yet`);
    expect(stderr).toContain('leave out --database-url');
    expect(stderr).not.toContain(PASSWORD);
    expect(cli.stdout()).toBe('');
    expect(existsSync(join(data, 'switchboard.db'))).toBe(false);
  });

  it.each([
    ['DATABASE_URL', (data: string) => runCli(['serve', '--port', '0', '--data-dir', data], { DATABASE_URL: TEAM_URL }), `DATABASE_URL selects PostgreSQL (${MASKED})`, 'unset DATABASE_URL'],
    [
      'general_settings.database_url as os.environ/NAME',
      (data: string) => runCli(['serve', '--port', '0', '--data-dir', data, '--config', config('env-ref.yaml', 'os.environ/TEAM_DB')], { TEAM_DB: TEAM_URL }),
      `general_settings.database_url (os.environ/TEAM_DB) selects PostgreSQL (${MASKED})`,
      'remove general_settings.database_url from',
    ],
    [
      "the LiteLLM seed config's database_url",
      (data: string) => runCli(['serve', '--config', SEED, '--port', '0', '--data-dir', data]),
      'general_settings.database_url selects PostgreSQL (postgresql://postgres:****@pgsql-postgresql:5432/litellm)',
      `remove general_settings.database_url from ${SEED}`,
    ],
  ])('starts on SQLite from %s, warning that team mode is not available yet, never printing the password', async (_name, start, source, remedy) => {
    const data = join(work, `data-${Math.random().toString(36).slice(2)}`);
    const cli = start(data);
    await ready(cli);
    const stderr = cli.stderr();
    expect(stderr).toContain(`switchboard: warning: ${source}, but team mode on PostgreSQL is not available in this version yet: keys, budgets and usage are kept in the embedded SQLite database in ${data}`);
    expect(stderr).toContain(remedy);
    expect(stderr + cli.stdout()).not.toContain(PASSWORD);
    expect(stderr + cli.stdout()).not.toContain(':pw@');
    expect(existsSync(join(data, 'switchboard.db'))).toBe(true);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(readFileSync(SEED, 'utf8')).toContain('postgresql://postgres:pw@');
  });

  it.each([
    [['--database-url', `mysql://root:${PASSWORD}@db/litellm`], {}, /^switchboard: --database-url uses mysql:\/\/, which Switchboard does not support; only PostgreSQL is/m],
    [['--database-url', `postgresql://u:${PASSWORD}@db:99999/x`], {}, /^switchboard: --database-url is not a valid URL \(check the port/m],
    [[], { DATABASE_URL: `postgresql://u:${PASSWORD}@db:5432` }, /^switchboard: DATABASE_URL postgresql:\/\/u:\*\*\*\*@db:5432\/? names no database/m],
  ])('refuses the bad URL %j %j with exit 2 and the reason, never the password', async (args, env, reason) => {
    const cli = runCli(['serve', '--port', '0', '--data-dir', join(work, 'bad'), ...args], env);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toMatch(reason);
    expect(cli.stderr()).not.toContain(PASSWORD);
  });

  it('reports a bad general_settings.database_url as a config error naming the file', async () => {
    const file = config('bad.yaml', `sqlite:/tmp/x.db`);
    const cli = runCli(['serve', '--port', '0', '--data-dir', join(work, 'bad-config'), '--config', file]);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toContain(`switchboard: config error: ${file}: general_settings.database_url names an SQLite file: SQLite is the default and needs no URL`);
  });

  it('starts on SQLite in the data directory when DATABASE_URL is empty, and exits 0 on SIGTERM', async () => {
    const data = join(work, 'sqlite');
    const cli = runCli(['serve', '--port', '0', '--data-dir', data], { DATABASE_URL: '' });
    await ready(cli);
    expect(existsSync(join(data, 'switchboard.db'))).toBe(true);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });
});
