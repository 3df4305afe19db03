// SecretStore: the one async interface every provider key and the desktop admin key go through,
// so the platform keychain (keytar today; its repository is archived) can be swapped without
// touching callers. Errors say what to install or unlock and never carry a secret value.
// An implementation must never fall back to storing a value anywhere else.
import type { SecretReader } from './resolve-credential.js';

/** Where a store keeps its values: the OS keychain in the product, memory in tests. */
export type SecretStoreKind = 'keychain' | 'memory';

export interface SecretStore extends SecretReader {
  readonly kind: SecretStoreKind;
  /** For people: e.g. `Secret Service (GNOME Keyring or KWallet), service "Switchboard"`. */
  readonly location: string;
  /** The value stored under `name`, or undefined when there is none. */
  get(name: string): Promise<string | undefined>;
  /** Creates or replaces the value. Rejects (SecretStoreError) rather than storing it elsewhere. */
  set(name: string, value: string): Promise<void>;
  /** True when something was deleted. */
  delete(name: string): Promise<boolean>;
  /** The names stored by Switchboard, sorted; never the values. */
  list(): Promise<string[]>;
}

/**
 * - unavailable: no keychain at all (no D-Bus, no Secret Service, library missing)
 * - locked: the keychain exists but refuses until someone unlocks it
 * - timeout: a call did not return in time (keytar can block forever on a locked keyring)
 * - invalid_name: the name is not a valid credential name
 * - failed: anything else the keychain reported
 */
export type SecretStoreErrorKind = 'unavailable' | 'locked' | 'timeout' | 'invalid_name' | 'failed';

export type SecretOperation = 'get' | 'set' | 'delete' | 'list';

export class SecretStoreError extends Error {
  readonly kind: SecretStoreErrorKind;
  readonly operation: SecretOperation;

  constructor(kind: SecretStoreErrorKind, operation: SecretOperation, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SecretStoreError';
    this.kind = kind;
    this.operation = operation;
  }
}

export function isSecretStoreError(value: unknown): value is SecretStoreError {
  return value instanceof SecretStoreError;
}

/** The same rule load-config applies to `keychain/NAME` references, so every stored name is referable. */
export const SECRET_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,128}$/;

export function isValidSecretName(name: string): boolean {
  return SECRET_NAME_PATTERN.test(name);
}

export function assertValidSecretName(name: string, operation: SecretOperation): void {
  if (!isValidSecretName(name)) {
    throw new SecretStoreError('invalid_name', operation, 'A credential name is 1-128 characters of letters, digits, "_", "." and "-"');
  }
}

/**
 * What lists and API replies show instead of a key: `sk-...abcd`. A short key shows no tail at
 * all, because its last four characters would be a large share of it.
 */
export function maskSecret(value: string): string {
  const prefix = /^[A-Za-z]{2,4}-/.exec(value)?.[0] ?? '';
  const tail = value.length >= 16 ? value.slice(-4) : '';
  return `${prefix}...${tail}`;
}
