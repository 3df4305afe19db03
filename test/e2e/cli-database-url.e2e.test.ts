// `switchboard serve` given a PostgreSQL URL, as a user runs it (the real CLI, spawned): a URL from
// --database-url, DATABASE_URL or the config's general_settings.database_url (a LiteLLM config.yaml,
// read unchanged, os.environ/NAME resolved) runs the gateway in team mode on that database (a
// throwaway PostgreSQL cluster here): the log names the masked URL and where it came from, no
// SQLite file is written, SIGTERM exits 0. A database that cannot be reached stops the start with
// one line naming the host, the password masked, exit 1 (as the other storage failures). A bad URL
// is refused with its reason (exit 2). No URL (or an empty DATABASE_URL) starts on SQLite.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltCli, killStartedClis, ready, ROOT, runCli as runCliIn } from '../support/cli-process.js';
import { usePostgresCluster } from '../support/postgres-cluster.js';

const SEED = join(ROOT, 'test', 'fixtures', 'config', 'seed-litellm.yaml');
const PASSWORD = 'pg-pass-never-printed';
const UNREACHABLE_URL = `postgresql://switchboard:${PASSWORD}@127.0.0.1:1/switchboard`;
const UNREACHABLE_MASKED = 'postgresql://switchboard:****@127.0.0.1:1/switchboard';

const postgres = usePostgresCluster();
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

/** A fresh database on the throwaway cluster, with a password in its URL (trust auth ignores it) so the test can see it is never printed. */
async function teamUrl(): Promise<{ url: string; masked: string }> {
  const url = (await postgres.createDatabase()).replace('postgresql://postgres@', `postgresql://postgres:${PASSWORD}@`);
  return { url, masked: url.replace(`:${PASSWORD}@`, ':****@') };
}

describe('switchboard serve with a PostgreSQL URL (team mode)', () => {
  it.each([
    ['--database-url', (data: string, url: string) => runCli(['serve', '--port', '0', '--data-dir', data, '--database-url', url]), '--database-url'],
    ['DATABASE_URL', (data: string, url: string) => runCli(['serve', '--port', '0', '--data-dir', data, '--allow-empty'], { DATABASE_URL: url }), 'DATABASE_URL'],
    [
      'general_settings.database_url as os.environ/NAME',
      (data: string, url: string) => runCli(['serve', '--port', '0', '--data-dir', data, '--config', config(`env-ref-${Date.now()}.yaml`, 'os.environ/TEAM_DB')], { TEAM_DB: url }),
      'general_settings.database_url (os.environ/TEAM_DB)',
    ],
  ])('runs on PostgreSQL from %s, names the masked URL, writes no SQLite file and exits 0 on SIGTERM', async (_name, start, source) => {
    const { url, masked } = await teamUrl();
    const data = join(work, `data-${Math.random().toString(36).slice(2)}`);
    const cli = start(data, url);
    await ready(cli);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    const output = cli.stderr() + cli.stdout();
    expect(cli.stdout()).toContain(`Team mode: keys, budgets, models and settings are kept in PostgreSQL (${masked}, from ${source})`);
    expect(output).not.toContain(PASSWORD);
    expect(existsSync(join(data, 'switchboard.db'))).toBe(false);
  }, 60_000);

  it.each([
    ['--database-url', ['--allow-empty', '--database-url', UNREACHABLE_URL], {}],
    ['DATABASE_URL', ['--allow-empty'], { DATABASE_URL: UNREACHABLE_URL }],
  ])('stops with exit 1 and one line naming the unreachable host (%s), the password masked', async (_name, args, env) => {
    const data = join(work, `down-${Math.random().toString(36).slice(2)}`);
    const cli = runCli(['serve', '--port', '0', '--data-dir', data, ...args], env);
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toMatch(new RegExp(`^switchboard: Cannot use the PostgreSQL database ${UNREACHABLE_MASKED.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*ECONNREFUSED`, 'm'));
    expect(cli.stderr() + cli.stdout()).not.toContain(PASSWORD);
    expect(cli.stdout()).toBe('');
    expect(existsSync(join(data, 'switchboard.db'))).toBe(false);
  }, 30_000);

  it("stops on the LiteLLM seed config, whose database_url names a host that does not resolve here, with the host named and the password masked", async () => {
    const data = join(work, 'seed');
    const cli = runCli(['serve', '--config', SEED, '--port', '0', '--data-dir', data]);
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toMatch(/^switchboard: Cannot use the PostgreSQL database postgresql:\/\/postgres:\*\*\*\*@pgsql-postgresql:5432\/litellm: /m);
    expect(cli.stderr() + cli.stdout()).not.toContain(':pw@');
    expect(existsSync(join(data, 'switchboard.db'))).toBe(false);
    expect(readFileSync(SEED, 'utf8')).toContain('postgresql://postgres:pw@');
  }, 30_000);

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

  it('refuses a bad general_settings.database_connection_pool_limit as a config error naming the file', async () => {
    const file = join(work, 'bad-pool.yaml');
    writeFileSync(file, `model_list: []\ngeneral_settings:\n  database_url: "postgresql://u:${PASSWORD}@db:5432/x"\n  database_connection_pool_limit: 0\n`);
    const cli = runCli(['serve', '--port', '0', '--data-dir', join(work, 'bad-pool'), '--config', file]);
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toContain(`switchboard: config error: ${file}: general_settings.database_connection_pool_limit must be a whole number from 1 to`);
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
