import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY_FILE, AdminKeyUnreadableError, createDataDirAdminKey, loadDataDirAdminKey } from '../../../main/secrets/data-dir-admin-key.js';
import { createKeytarSecretStore } from '../../../main/secrets/keytar-secret-store.js';
import { createMemorySecretStore } from '../../../main/secrets/memory-secret-store.js';
import { SecretStoreError, type SecretStore } from '../../../main/secrets/secret-store.js';
import { assertKeychainReady, keychainTestEnv } from './keychain-test-env.js';

const KEY = 'sk-admin-0123456789abcdefghijklmnopqrstuvwxyz';
let dataDir: string;
let logged: string;
const log = () => pino({ level: 'info' }, new Writable({ write(chunk, _encoding, done) { logged += String(chunk); done(); } }));

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'switchboard-admin-key-'));
  logged = '';
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

/** A keychain that is there but refuses every write, as a locked Secret Service does. */
function lockedKeychain(): SecretStore {
  const inner = createMemorySecretStore();
  return { ...inner, kind: 'keychain', async set() { throw new SecretStoreError('locked', 'set', 'The keyring is locked; unlock it and try again.'); } };
}

describe('createDataDirAdminKey', () => {
  it('finds nothing where "Require keys" was never used', async () => {
    expect(await createDataDirAdminKey({ dataDir, store: createMemorySecretStore(), log: log() }).load()).toBeUndefined();
  });

  it('keeps the key in the keychain and only the account name in the data directory', async () => {
    const store = createMemorySecretStore();
    const saved = await createDataDirAdminKey({ dataDir, store, log: log() }).save(KEY);
    expect(saved.stored_in).toBe('keychain');
    const file = readFileSync(join(dataDir, ADMIN_KEY_FILE), 'utf8');
    expect(file).not.toContain(KEY);
    const account = (JSON.parse(file) as { keychain_account: string }).keychain_account;
    expect(await store.get(account)).toBe(KEY);
    expect(await loadDataDirAdminKey(dataDir, store)).toBe(KEY);
  });

  it('falls back to a 0600 file when the keychain refuses, with a log line that names no secret', async () => {
    const saved = await createDataDirAdminKey({ dataDir, store: lockedKeychain(), log: log() }).save(KEY);
    expect(saved).toEqual({ stored_in: 'file', location: join(dataDir, ADMIN_KEY_FILE) });
    if (process.platform !== 'win32') expect(statSync(join(dataDir, ADMIN_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(logged).toContain('could not keep the admin key');
    expect(logged).toContain('locked');
    expect(logged).not.toContain(KEY);
    expect(await loadDataDirAdminKey(dataDir, undefined)).toBe(KEY);
  });

  it('writes the 0600 file when there is no keychain at all', async () => {
    const saved = await createDataDirAdminKey({ dataDir, store: undefined, log: log() }).save(KEY);
    expect(saved.stored_in).toBe('file');
    if (process.platform !== 'win32') expect(statSync(join(dataDir, ADMIN_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(await loadDataDirAdminKey(dataDir, createMemorySecretStore())).toBe(KEY);
  });

  it('stops the start (never opens the gateway) when the keychain key is gone, naming the file to delete', async () => {
    const store = createMemorySecretStore();
    await createDataDirAdminKey({ dataDir, store, log: log() }).save(KEY);
    for (const name of await store.list()) await store.delete(name);
    const failure = loadDataDirAdminKey(dataDir, store);
    await expect(failure).rejects.toBeInstanceOf(AdminKeyUnreadableError);
    await expect(failure).rejects.toThrow(join(dataDir, ADMIN_KEY_FILE));
  });

  it('refuses a damaged file rather than starting open', async () => {
    writeFileSync(join(dataDir, ADMIN_KEY_FILE), '{"key": "short"}');
    await expect(loadDataDirAdminKey(dataDir, undefined)).rejects.toBeInstanceOf(AdminKeyUnreadableError);
  });

  it('rotates: the new key is kept in a new keychain account and the old account is deleted', async () => {
    const store = createMemorySecretStore();
    const kept = createDataDirAdminKey({ dataDir, store, log: log() });
    await kept.save(KEY);
    const oldAccount = accountIn(dataDir);
    const next = 'sk-admin-rotated-0123456789abcdefghijklmnopqrstu';
    const saved = await kept.replace(next);
    expect(saved).toEqual({ stored_in: 'keychain', location: `${store.location}, account "${accountIn(dataDir)}"` });
    expect(accountIn(dataDir)).not.toBe(oldAccount);
    expect(await store.get(oldAccount)).toBeUndefined();
    expect(await loadDataDirAdminKey(dataDir, store)).toBe(next);
    expect(kept.where()).toEqual(saved);
  });

  it('rotates a key kept in the 0600 file in place', async () => {
    const kept = createDataDirAdminKey({ dataDir, store: undefined, log: log() });
    await kept.save(KEY);
    const next = 'sk-admin-rotated-0123456789abcdefghijklmnopqrstu';
    expect(await kept.replace(next)).toEqual({ stored_in: 'file', location: join(dataDir, ADMIN_KEY_FILE) });
    if (process.platform !== 'win32') expect(statSync(join(dataDir, ADMIN_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dataDir, ADMIN_KEY_FILE), 'utf8')).not.toContain(KEY);
    expect(await loadDataDirAdminKey(dataDir, undefined)).toBe(next);
  });

  it('removes: the file and the keychain account go, and the next start is open', async () => {
    const store = createMemorySecretStore();
    const kept = createDataDirAdminKey({ dataDir, store, log: log() });
    await kept.save(KEY);
    const account = accountIn(dataDir);
    await kept.remove();
    expect(existsSync(join(dataDir, ADMIN_KEY_FILE))).toBe(false);
    expect(await store.get(account)).toBeUndefined();
    expect(await loadDataDirAdminKey(dataDir, store)).toBeUndefined();
    expect(kept.where()).toBeUndefined();
  });
});

function accountIn(dir: string): string {
  return (JSON.parse(readFileSync(join(dir, ADMIN_KEY_FILE), 'utf8')) as { keychain_account: string }).keychain_account;
}

const kc = keychainTestEnv();
describe.runIf(kc.run)(kc.title('createDataDirAdminKey with the real OS keychain'), () => {
  it('keeps the key in the keychain and finds it again with a fresh store', async () => {
    assertKeychainReady(kc);
    const saved = await createDataDirAdminKey({ dataDir, store: createKeytarSecretStore(), log: log() }).save(KEY);
    expect(saved.stored_in).toBe('keychain');
    expect(readFileSync(join(dataDir, ADMIN_KEY_FILE), 'utf8')).not.toContain(KEY);
    const again = createKeytarSecretStore();
    expect(await loadDataDirAdminKey(dataDir, again)).toBe(KEY);
    await again.delete((JSON.parse(readFileSync(join(dataDir, ADMIN_KEY_FILE), 'utf8')) as { keychain_account: string }).keychain_account);
  });
});
