// The throwaway PostgreSQL cluster the storage tests run on: it starts, hands out separate
// databases, and leaves nothing behind; without binaries it fails loudly with the install hint.
import { mkdtempSync, mkdirSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { findPostgresBinaries, startPostgresCluster } from './postgres-cluster.js';

async function queryOne(url: string, sql: string): Promise<Record<string, unknown>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows[0] as Record<string, unknown>;
  } finally {
    await client.end();
  }
}

describe('startPostgresCluster', () => {
  it('starts a PostgreSQL 15+ server, gives each caller its own database, and stops it', async () => {
    const cluster = await startPostgresCluster();
    let stopped = false;
    try {
      const first = await cluster.createDatabase();
      const second = await cluster.createDatabase();
      expect(first).not.toBe(second);
      const version = await queryOne(first, 'SHOW server_version_num');
      expect(Number(version.server_version_num)).toBeGreaterThanOrEqual(150000);
      await queryOne(first, 'CREATE TABLE only_in_first (id integer)');
      const seen = await queryOne(second, "SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'only_in_first'");
      expect(seen.n).toBe(0);
      await cluster.stop();
      stopped = true;
      await expect(queryOne(cluster.adminUrl, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      if (!stopped) await cluster.stop();
    }
  }, 60_000);
});

describe('findPostgresBinaries', () => {
  it('fails with how to install PostgreSQL when no binaries are found', () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-pg-'));
    expect(() => findPostgresBinaries({ debianRoot: join(empty, 'none'), path: empty })).toThrow(/apt-get install postgresql-15/);
    expect(() => findPostgresBinaries({ explicitDir: empty })).toThrow(/SWITCHBOARD_TEST_PG_BIN=.*holds no initdb/);
  });

  it('takes the newest Debian-layout version of 15 or later, ignoring older ones', () => {
    const root = mkdtempSync(join(tmpdir(), 'fake-pg-'));
    for (const version of ['14', '15', '16']) {
      const bin = join(root, version, 'bin');
      mkdirSync(bin, { recursive: true });
      for (const tool of ['initdb', 'pg_ctl']) {
        writeFileSync(join(bin, tool), '');
        chmodSync(join(bin, tool), 0o755);
      }
    }
    expect(findPostgresBinaries({ debianRoot: root, path: '' })).toBe(join(root, '16', 'bin'));
  });
});
