// The admin (master) key: the one the environment or general_settings.master_key sets, refused
// when shorter than 16 characters; for the desktop app without one, the one kept in the OS
// keychain, generated on first run. Never written anywhere but the keychain, never logged or
// quoted in an error; when the keychain cannot keep it, this fails instead of inventing a key per run.
import { randomBytes } from 'node:crypto';
import { ConfigError } from '../core/config-error.js';
import type { CredentialRef } from '../core/deployment.js';
import type { CredentialResolver } from './resolve-credential.js';
import { SecretStoreError, type SecretStore } from './secret-store.js';

/** The keychain account of the admin key; the credential API refuses to show or touch it. */
export const ADMIN_KEY_NAME = 'switchboard-admin-key';

/** The desktop app's admin key and those "Require keys" keeps per data directory (`switchboard-admin-key-…`). */
export function isAdminKeyAccount(name: string): boolean {
  return name === ADMIN_KEY_NAME || name.startsWith(`${ADMIN_KEY_NAME}-`);
}

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

/** An admin key guards every provider key, virtual key and budget: anything shorter is guessable. */
export const MIN_ADMIN_KEY_LENGTH = 16;

const ADMIN_KEY_VARIABLES = ['SWITCHBOARD_MASTER_KEY', 'LITELLM_MASTER_KEY'] as const;

/**
 * Throws a ConfigError when `key` is shorter than MIN_ADMIN_KEY_LENGTH. `where` names the source
 * (file, line, setting); the key itself is never quoted.
 */
export function requireLongAdminKey(key: string, where: { file: string; line?: number | undefined; setting: string }): string {
  if (key.length < MIN_ADMIN_KEY_LENGTH) {
    throw new ConfigError(where.file, where.line, `${where.setting}: the admin key is shorter than ${MIN_ADMIN_KEY_LENGTH} characters; use a long random one (e.g. \`openssl rand -hex 32\`)`);
  }
  return key;
}

export interface AdminKeySources {
  env: NodeJS.ProcessEnv;
  /** general_settings.master_key of `file`, as the config loader read it. */
  ref: CredentialRef;
  file: string;
  resolve: CredentialResolver;
}

/**
 * The admin key in effect: SWITCHBOARD_MASTER_KEY, else LITELLM_MASTER_KEY, else
 * general_settings.master_key resolved (literal, os.environ/NAME or keychain/NAME); undefined when
 * none sets one. A short key is a ConfigError naming where it came from.
 */
export async function resolveAdminKey(sources: AdminKeySources): Promise<string | undefined> {
  for (const name of ADMIN_KEY_VARIABLES) {
    const value = sources.env[name];
    if (value !== undefined && value !== '') return requireLongAdminKey(value, { file: '<environment>', setting: name });
  }
  const { ref } = sources;
  if (ref.kind === 'none') return undefined;
  const key = await sources.resolve(ref);
  if (key === undefined || key === '') return undefined;
  const setting = ref.kind === 'keychain' ? `general_settings.master_key (keychain/${ref.name})` : ref.kind === 'env' ? `general_settings.master_key (os.environ/${ref.name})` : 'general_settings.master_key';
  return requireLongAdminKey(key, { file: sources.file, setting });
}
