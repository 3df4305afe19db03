// The admin key the dashboard's "Require keys" created for one data directory: kept in the OS
// keychain (under an account named in <dataDir>/admin-key.json), or, where no keychain can keep
// it, in that file itself with mode 0600. Read again at every start on the same data directory.
// Never logs the key or puts it in an error; a key it cannot read stops the start rather than
// opening the gateway. Rotating or removing the key deletes its old keychain account too.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { ADMIN_KEY_NAME } from './admin-key.js';
import { isSecretStoreError, type SecretStore } from './secret-store.js';

export const ADMIN_KEY_FILE = 'admin-key.json';

export type AdminKeyStoredIn = 'keychain' | 'file';

export interface AdminKeySaved {
  stored_in: AdminKeyStoredIn;
  /** For people: the keychain and its account, or the file's path. */
  location: string;
}

export interface DataDirAdminKey {
  /** The key this data directory requires, or undefined when "Require keys" was never used here. */
  load(): Promise<string | undefined>;
  /** Keeps `key` for this data directory: the keychain first, the 0600 file when the keychain fails. */
  save(key: string): Promise<AdminKeySaved>;
  /** Rotation: keeps `key` in place of the one kept now, whose keychain account is then deleted. */
  replace(key: string): Promise<AdminKeySaved>;
  /**
   * Forgets the key: the file goes first (the next start is open even if the keychain then fails),
   * then its keychain account, best effort (a leftover account is logged, never its value).
   */
  remove(): Promise<void>;
  /** Where the kept key is, read from the file only (the keychain is not asked); undefined when none is kept. */
  where(): AdminKeySaved | undefined;
}

type StoredRecord = { version: 1; keychain_account: string } | { version: 1; key: string };

export class AdminKeyUnreadableError extends Error {
  override readonly name = 'AdminKeyUnreadableError';
}

export function createDataDirAdminKey(options: { dataDir: string; store: SecretStore | undefined; log: Logger }): DataDirAdminKey {
  const file = join(options.dataDir, ADMIN_KEY_FILE);
  const { store, log } = options;

  const write = (record: StoredRecord): void => {
    const temporary = `${file}.${process.pid}.tmp`;
    try {
      // Created 0600 (never readable by others, not even for a moment), then moved into place.
      writeFileSync(temporary, `${JSON.stringify(record)}\n`, { mode: 0o600, flag: 'wx' });
      chmodSync(temporary, 0o600);
      renameSync(temporary, file);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    }
  };

  /** The record now in the file, or undefined when there is none or it cannot be parsed (then nothing is deleted on its word). */
  const current = (): StoredRecord | undefined => {
    if (!existsSync(file)) return undefined;
    try {
      return parseRecord(readFileSync(file, 'utf8'), file);
    } catch {
      return undefined;
    }
  };
  const forgetAccount = async (record: StoredRecord | undefined): Promise<void> => {
    if (record === undefined || !('keychain_account' in record) || store === undefined) return;
    try {
      await store.delete(record.keychain_account);
    } catch (error) {
      const why = isSecretStoreError(error) ? error.message : 'the keychain could not be reached';
      log.warn({ account: record.keychain_account }, `the old admin key's keychain account "${record.keychain_account}" could not be deleted (${why}); it no longer opens anything, delete it by hand`);
    }
  };

  const save = async (key: string): Promise<AdminKeySaved> => {
    if (store !== undefined) {
      const account = `${ADMIN_KEY_NAME}-${randomBytes(6).toString('hex')}`;
      let kept = false;
      try {
        await store.set(account, key);
        // A keychain that accepts a write but cannot give it back would lock the user out at the next start.
        if ((await store.get(account)) !== key) throw new Error('the keychain accepted the key but could not read it back');
        kept = true;
      } catch (error) {
        // SecretStore messages say what to install or unlock and never carry the value.
        const why = isSecretStoreError(error) ? error.message : 'the keychain accepted the key but could not read it back';
        log.warn({ file }, `the OS keychain could not keep the admin key (${why}); keeping it in ${file}, readable by this user only`);
        await store.delete(account).catch(() => false);
      }
      if (kept) {
        try {
          write({ version: 1, keychain_account: account });
        } catch (error) {
          await store.delete(account).catch(() => false);
          throw error;
        }
        return { stored_in: 'keychain', location: `${store.location}, account "${account}"` };
      }
    }
    write({ version: 1, key });
    return { stored_in: 'file', location: file };
  };

  return {
    load: () => loadDataDirAdminKey(options.dataDir, store),
    save,
    async replace(key) {
      const before = current();
      const saved = await save(key);
      await forgetAccount(before);
      return saved;
    },
    async remove() {
      const before = current();
      rmSync(file, { force: true });
      await forgetAccount(before);
    },
    where() {
      const record = current();
      if (record === undefined) return undefined;
      return 'keychain_account' in record
        ? { stored_in: 'keychain', location: `${store?.location ?? 'the OS keychain'}, account "${record.keychain_account}"` }
        : { stored_in: 'file', location: file };
    },
  };
}

/**
 * The key "Require keys" kept for `dataDir`, or undefined when it was never used there. Throws
 * AdminKeyUnreadableError when the key exists but cannot be read: the start must stop then.
 */
export async function loadDataDirAdminKey(dataDir: string, store: SecretStore | undefined): Promise<string | undefined> {
  const file = join(dataDir, ADMIN_KEY_FILE);
  if (!existsSync(file)) return undefined;
  const record = parseRecord(readFileSync(file, 'utf8'), file);
  if ('key' in record) return record.key;
  const unreadable = (why: string) =>
    new AdminKeyUnreadableError(`this data directory requires an admin key ("Require keys"), kept in the OS keychain account "${record.keychain_account}", but ${why}; unlock the keychain, or set SWITCHBOARD_MASTER_KEY, or delete ${file} to open the gateway to every local process again`);
  if (store === undefined) throw unreadable('no keychain is available to this process');
  let key: string | undefined;
  try {
    key = await store.get(record.keychain_account);
  } catch (error) {
    throw unreadable(isSecretStoreError(error) ? `the keychain could not be read (${error.message})` : 'the keychain could not be read');
  }
  if (key === undefined || key === '') throw unreadable('that account is empty or was deleted');
  return key;
}

function parseRecord(text: string, file: string): StoredRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AdminKeyUnreadableError(`${file} is not valid JSON; delete it to open the gateway to every local process again, or set SWITCHBOARD_MASTER_KEY`);
  }
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if (typeof record.keychain_account === 'string' && record.keychain_account !== '') return { version: 1, keychain_account: record.keychain_account };
    if (typeof record.key === 'string' && record.key.length >= 16) return { version: 1, key: record.key };
  }
  throw new AdminKeyUnreadableError(`${file} holds no admin key Switchboard can use; delete it to open the gateway to every local process again, or set SWITCHBOARD_MASTER_KEY`);
}
