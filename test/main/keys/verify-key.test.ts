import { afterEach, describe, expect, it, vi } from 'vitest';
import { createKeyRepository, type KeyRepository } from '../../../main/keys/key-repository.js';
import { createKeyVerifier } from '../../../main/keys/verify-key.js';
import { openTempDatabase, type TempDatabase } from '../storage/storage-test-kit.js';
import { synchronousVerifier, type SynchronousVerifier } from '../../support/synchronous.js';

let opened: TempDatabase | null = null;
afterEach(() => {
  opened?.dispose();
  opened = null;
});

function setup(options?: Parameters<typeof createKeyVerifier>[2]): { repo: KeyRepository; verifier: SynchronousVerifier; db: TempDatabase } {
  opened = openTempDatabase();
  const repo = createKeyRepository(opened.db, opened.clock);
  return { repo, verifier: synchronousVerifier(createKeyVerifier(repo, opened.clock, options)), db: opened };
}

function rowCounts(db: TempDatabase): unknown {
  return db.db.prepare('SELECT (SELECT count(*) FROM virtual_keys) AS keys, (SELECT count(*) FROM usage_log) AS usage, (SELECT count(*) FROM budget_reservations) AS reservations').get();
}

describe('createKeyVerifier', () => {
  it('accepts a valid key and returns its record', () => {
    const { repo, verifier } = setup();
    const { key, record } = repo.create({ key_alias: 'app' });
    expect(verifier.verify(key)).toEqual({ ok: true, key: { ...record, team: null, user: null } });
  });

  it('tells unknown, expired and blocked apart', () => {
    const { repo, verifier, db } = setup();
    const expiring = repo.create({ duration: '1h', key_alias: 'nightly-job' });
    const blocked = repo.create();
    repo.block(blocked.key);
    expect(verifier.verify('sk-not-a-key-we-issued')).toEqual({ ok: false, reason: 'unknown', keyId: null, keyAlias: null });
    expect(verifier.verify(blocked.key)).toEqual({ ok: false, reason: 'blocked', keyId: blocked.record.id, keyAlias: null });
    expect(verifier.verify(expiring.key).ok).toBe(true);
    db.clock.advance(3_600_000);
    expect(verifier.verify(expiring.key)).toEqual({ ok: false, reason: 'expired', keyId: expiring.record.id, keyAlias: 'nightly-job' });
  });

  it('serves repeat verifications from the cache, keyed by the full hash', () => {
    const { repo, verifier } = setup();
    const { key } = repo.create();
    const lookups = vi.spyOn(repo, 'findByHash');
    verifier.verify(key);
    verifier.verify(key);
    verifier.verify(key);
    expect(lookups).toHaveBeenCalledTimes(1);
    expect(verifier.cacheSize()).toBe(1);
  });

  it('rejects a key sharing a long prefix with a verified one, even with the cache warm (S7)', () => {
    const { repo, verifier } = setup();
    const { key } = repo.create();
    expect(verifier.verify(key).ok).toBe(true);
    const lastChar = key.at(-1) === 'A' ? 'B' : 'A';
    const sameHeadWrongTail = key.slice(0, -1) + lastChar;
    expect(sameHeadWrongTail.slice(0, 40)).toBe(key.slice(0, 40));
    expect(verifier.verify(sameHeadWrongTail)).toEqual({ ok: false, reason: 'unknown', keyId: null, keyAlias: null });
    expect(verifier.verify(key.slice(0, 20))).toEqual({ ok: false, reason: 'unknown', keyId: null, keyAlias: null });
    expect(verifier.verify(`${key}x`)).toEqual({ ok: false, reason: 'unknown', keyId: null, keyAlias: null });
    expect(verifier.verify(key).ok).toBe(true);
  });

  it('does not cache misses, so garbage keys cannot fill memory', () => {
    const { verifier } = setup();
    for (let i = 0; i < 100; i++) verifier.verify(`sk-garbage-${i}`);
    expect(verifier.cacheSize()).toBe(0);
  });

  it('evicts the least recently used entry beyond maxCacheEntries', () => {
    const { repo, verifier } = setup({ maxCacheEntries: 2 });
    const a = repo.create().key;
    const b = repo.create().key;
    const c = repo.create().key;
    verifier.verify(a);
    verifier.verify(b);
    verifier.verify(a);
    verifier.verify(c);
    expect(verifier.cacheSize()).toBe(2);
    const lookups = vi.spyOn(repo, 'findByHash');
    verifier.verify(a);
    verifier.verify(c);
    expect(lookups).not.toHaveBeenCalled();
    verifier.verify(b);
    expect(lookups).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['block', (repo: KeyRepository, key: string) => void repo.block(key), { ok: false, reason: 'blocked' }],
    ['delete', (repo: KeyRepository, key: string) => void repo.delete({ keys: [key] }), { ok: false, reason: 'unknown' }],
    ['regenerate', (repo: KeyRepository, key: string) => void repo.regenerate(key), { ok: false, reason: 'unknown' }],
    // An expiry in the past is refused (key-repository), so: a short one, then time passes.
    ['update to an expiry that then passes', (repo: KeyRepository, key: string) => {
      repo.update(key, { duration: '1s' });
      opened!.clock.advance(1_000);
    }, { ok: false, reason: 'expired' }],
  ])('sees a %s at once, though the old record was cached', (_label, change, expected) => {
    const { repo, verifier } = setup();
    const { key } = repo.create();
    expect(verifier.verify(key).ok).toBe(true);
    change(repo, key);
    expect(verifier.verify(key)).toMatchObject(expected);
  });

  it('sees updated limits at once', () => {
    const { repo, verifier } = setup();
    const { key } = repo.create({ rpm_limit: 1 });
    verifier.verify(key);
    repo.update(key, { rpm_limit: 99, models: ['gpt-4o'] });
    expect(verifier.verify(key)).toMatchObject({ ok: true, key: { rpmLimit: 99, models: ['gpt-4o'] } });
  });

  it('re-reads a cached key after the TTL, catching changes made by another process', () => {
    const { repo, verifier, db } = setup({ cacheTtlMs: 1_000 });
    const { key, record } = repo.create();
    verifier.verify(key);
    db.db.prepare('UPDATE virtual_keys SET blocked = 1 WHERE id = ?').run(record.id);
    expect(verifier.verify(key).ok).toBe(true);
    db.clock.advance(1_000);
    expect(verifier.verify(key)).toMatchObject({ ok: false, reason: 'blocked' });
  });

  it.each([
    ["' OR '1'='1"],
    ['x"; DROP TABLE virtual_keys;--'],
    ["sk-' UNION SELECT * FROM virtual_keys --"],
    ['%'],
    ['*'],
    ['sk-\u0000'],
    ['sk-abc\u0000def'],
    ['sk-ключ-密钥-🔑'],
    ['\uD800'],
    ['Basic dXNlcjpwYXNz'],
    ['a'.repeat(10 * 1024)],
    ['sk-' + 'A'.repeat(10 * 1024)],
    [''],
  ])('does not match hostile key %#, and changes no rows (S6)', (hostile) => {
    const { repo, verifier, db } = setup();
    repo.create({ key_alias: 'real' });
    const before = rowCounts(db);
    expect(verifier.verify(hostile)).toEqual({ ok: false, reason: 'unknown', keyId: null, keyAlias: null });
    expect(rowCounts(db)).toEqual(before);
    expect(db.db.prepare('SELECT key_alias FROM virtual_keys').all()).toEqual([{ key_alias: 'real' }]);
  });

  it('stops listening to the repository when disposed', () => {
    const { repo, verifier } = setup();
    const { key } = repo.create();
    verifier.verify(key);
    verifier.dispose();
    expect(verifier.cacheSize()).toBe(0);
    repo.block(key);
    expect(verifier.cacheSize()).toBe(0);
  });
});

describe('createKeyVerifier over a repository that answers with Promises (PostgreSQL)', () => {
  function asyncSetup() {
    opened = openTempDatabase();
    const repo = createKeyRepository(opened.db, opened.clock);
    let reads = 0;
    let release: (() => void) | undefined;
    let gate: Promise<void> | undefined;
    const asyncRepo = {
      onChange: repo.onChange,
      async findByHash(hash: string) {
        reads += 1;
        const found = repo.findByHash(hash);
        if (gate) await gate;
        return found;
      },
    };
    const hold = () => {
      gate = new Promise((resolve) => (release = resolve));
    };
    return { repo, verifier: createKeyVerifier(asyncRepo, opened.clock), reads: () => reads, hold, release: () => release?.() };
  }

  it('answers a miss with a Promise, then a hit synchronously from the cache', async () => {
    const { repo, verifier, reads } = asyncSetup();
    const { key, record } = repo.create({ key_alias: 'app' });
    const first = verifier.verify(key);
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toEqual({ ok: true, key: { ...record, team: null, user: null } });
    expect(verifier.verify(key)).toEqual({ ok: true, key: { ...record, team: null, user: null } });
    expect(reads()).toBe(1);
  });

  it('makes one query for a burst of misses on one key', async () => {
    const { repo, verifier, reads } = asyncSetup();
    const { key } = repo.create();
    const results = await Promise.all(Array.from({ length: 20 }, () => verifier.verify(key)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(reads()).toBe(1);
  });

  it('does not cache a row read before the key was blocked, and a later request reads again', async () => {
    const { repo, verifier, reads, hold, release } = asyncSetup();
    const { key } = repo.create();
    hold();
    const inFlight = verifier.verify(key);
    repo.block(key);
    const after = verifier.verify(key);
    release();
    // The read that started before the block answered with what was true then...
    expect((await inFlight).ok).toBe(true);
    // ...but the request that came after it does not share it, and nothing stale was cached.
    expect(await after).toMatchObject({ ok: false, reason: 'blocked' });
    // What is cached is the row read after the block (answered from the cache, no third read).
    expect(verifier.verify(key)).toMatchObject({ ok: false, reason: 'blocked' });
    expect(reads()).toBe(2);
  });

  it('forget() (the change feed of another replica) drops a cached key', async () => {
    const { repo, verifier, reads } = asyncSetup();
    const { key, record } = repo.create();
    await verifier.verify(key);
    verifier.forget(record.id);
    expect(verifier.verify(key)).toBeInstanceOf(Promise);
    expect(reads()).toBe(2);
  });
});
