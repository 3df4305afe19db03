// A throwaway PostgreSQL cluster (toolchain.md §8), for the tests and the bench's team-mode row:
// initdb in a temp folder, a server on a free loopback port with trust auth, stopped and deleted
// at the end (or when the process exits). Never touches the machine's own clusters, and never
// skips: without the PostgreSQL binaries it throws, naming the package to install.
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export const POSTGRES_INSTALL_HINT =
  'PostgreSQL 15 or newer is needed for the PostgreSQL tests: on Debian/Ubuntu `apt-get install postgresql-15` ' +
  '(or `postgresql`), elsewhere install it and set SWITCHBOARD_TEST_PG_BIN to the folder holding initdb and pg_ctl';

export interface PostgresBinariesOptions {
  /** SWITCHBOARD_TEST_PG_BIN: a folder holding initdb and pg_ctl; wins over the search. */
  explicitDir?: string;
  /** Where Debian and Ubuntu put each major version's binaries. */
  debianRoot?: string;
  path?: string;
}

/** The folder holding initdb and pg_ctl: the newest Debian-layout version ≥ 15, else PATH. */
export function findPostgresBinaries(options: PostgresBinariesOptions = {}): string {
  const has = (dir: string) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'));
  if (options.explicitDir !== undefined && options.explicitDir !== '') {
    if (has(options.explicitDir)) return options.explicitDir;
    throw new Error(`SWITCHBOARD_TEST_PG_BIN=${options.explicitDir} holds no initdb and pg_ctl. ${POSTGRES_INSTALL_HINT}`);
  }
  const debianRoot = options.debianRoot ?? '/usr/lib/postgresql';
  const versions = existsSync(debianRoot) ? readdirSync(debianRoot).filter((name) => /^\d+$/.test(name) && Number(name) >= 15) : [];
  for (const version of versions.sort((a, b) => Number(b) - Number(a))) {
    const dir = join(debianRoot, version, 'bin');
    if (has(dir)) return dir;
  }
  for (const dir of (options.path ?? '').split(delimiter)) {
    if (dir !== '' && has(dir)) return dir;
  }
  throw new Error(`No PostgreSQL server binaries (initdb, pg_ctl) found in ${debianRoot}/<15+>/bin or on PATH. ${POSTGRES_INSTALL_HINT}`);
}

export interface PostgresCluster {
  port: number;
  /** A superuser URL to the maintenance database. */
  adminUrl: string;
  /** Creates a fresh database and returns its URL. */
  createDatabase(): Promise<string>;
  /** Stops the server but keeps its data and port (a database outage); resume() starts it again. */
  pause(): Promise<void>;
  /** Starts a paused server again on the same port, with the same data. */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

let databaseCounter = 0;

export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = findPostgresBinaries({ explicitDir: process.env.SWITCHBOARD_TEST_PG_BIN, path: process.env.PATH });
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-pg-'));
  const data = join(dir, 'data');
  // initdb refuses to run as root (CI runs as root): run the server as the postgres user.
  const asUser = process.getuid?.() === 0 ? postgresUser() : null;
  if (asUser !== null) chownSync(dir, asUser.uid, asUser.gid);
  const command = (file: string, args: string[]) =>
    asUser === null ? run(join(bin, file), args) : run('runuser', ['-u', 'postgres', '--', join(bin, file), ...args]);
  const stopSync = () => {
    try {
      const args = ['-D', data, '-m', 'immediate', '-w', 'stop'];
      if (asUser === null) execFileSync(join(bin, 'pg_ctl'), args, { stdio: 'ignore' });
      else execFileSync('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), ...args], { stdio: 'ignore' });
    } catch {
      // Already stopped.
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // A test run killed by an error still stops its server.
  process.once('exit', stopSync);
  try {
    await command('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
    let port = 0;
    let serverOptions = '';
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
      try {
        await command('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', serverOptions, '-w', '-t', '30', 'start']);
        break;
      } catch (error) {
        // Another process may have taken the port between the probe and the start.
        if (attempt === 3) throw error;
      }
    }
    const adminUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
    return {
      port,
      adminUrl,
      async createDatabase() {
        databaseCounter += 1;
        const name = `switchboard_test_${process.pid}_${databaseCounter}`;
        const client = new pg.Client({ connectionString: adminUrl });
        await client.connect();
        try {
          await client.query(`CREATE DATABASE ${name}`);
        } finally {
          await client.end();
        }
        return `postgresql://postgres@127.0.0.1:${port}/${name}`;
      },
      async pause() {
        await command('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      },
      async resume() {
        await command('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', serverOptions, '-w', '-t', '30', 'start']);
      },
      async stop() {
        process.off('exit', stopSync);
        await command('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    process.off('exit', stopSync);
    stopSync();
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`Could not start a throwaway PostgreSQL cluster with ${bin}: ${detail}`);
  }
}

function postgresUser(): { uid: number; gid: number } {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error(`Running as root, the throwaway cluster needs the "postgres" user, which the PostgreSQL package creates. ${POSTGRES_INSTALL_HINT}`);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
