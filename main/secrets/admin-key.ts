// The desktop app's admin (master) key: the configured one when there is one; otherwise the one
// kept in the OS keychain, generated on first run. Never written anywhere but the keychain, never
// logged; when the keychain cannot keep it, this fails instead of inventing a key per run.
import { randomBytes } from 'node:crypto';
import { SecretStoreError, type SecretStore } from './secret-store.js';

/** The keychain account of the admin key; the credential API refuses to show or touch it. */
export const ADMIN_KEY_NAME = 'switchboard-admin-key';

export type AdminKeySource = 'configured' | 'keychain' | 'generated';

export interface AdminKey {
  key: string;
  source: AdminKeySource;
}

/** `sk-admin-` + 32 random bytes in base64url. */
export function generateAdminKey(): string {
  return `sk-admin-${randomBytes(32).toString('base64url')}`;
}

export async function ensureAdminKey(
  store: SecretStore,
  options: { configured?: string | undefined; generate?: () => string } = {},
): Promise<AdminKey> {
  if (options.configured !== undefined && options.configured !== '') return { key: options.configured, source: 'configured' };
  const existing = await store.get(ADMIN_KEY_NAME);
  if (existing !== undefined && existing !== '') return { key: existing, source: 'keychain' };
  const key = (options.generate ?? generateAdminKey)();
  await store.set(ADMIN_KEY_NAME, key);
  // A keychain that accepts a write but cannot give it back (some locked Secret Service setups)
  // would hand out a new admin key on every start, locking the user out of the last one.
  const readBack = await store.get(ADMIN_KEY_NAME);
  if (readBack !== key) {
    throw new SecretStoreError('failed', 'get', `The admin key was written to the ${store.location} but could not be read back; unlock the keychain and start again`);
  }
  return { key, source: 'generated' };
}
