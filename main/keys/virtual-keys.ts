// Virtual key secrets: generation, hashing and display masks. The plaintext exists only in the
// one response that creates (or regenerates) a key; everything stored or shown derives from
// hashKey() or the last 4 characters. Never logs or persists a secret.
import { hash, randomBytes } from 'node:crypto';

export const KEY_PREFIX = 'sk-';
/** 32 random bytes (256 bits), more than LiteLLM's 16. */
export const KEY_RANDOM_BYTES = 32;

/** `sk-` + 32 random bytes in base64url (43 characters, no padding). */
export function generateKeySecret(): string {
  return KEY_PREFIX + randomBytes(KEY_RANDOM_BYTES).toString('base64url');
}

const VIRTUAL_KEY_SHAPE = /^sk-[A-Za-z0-9_-]{43}$/;

/** True for a string shaped like generateKeySecret()'s output (any such string, real or not). */
export function looksLikeVirtualKey(key: string): boolean {
  return VIRTUAL_KEY_SHAPE.test(key);
}

/** The stored identity of a key: SHA-256 of its UTF-8 bytes, lowercase hex (LiteLLM's hash_token). */
export function hashKey(key: string): string {
  return hash('sha256', key, 'hex');
}

export function keyLast4(key: string): string {
  return key.slice(-4);
}

/** What lists and the dashboard show instead of a key: `sk-...abcd`. */
export function maskKey(last4: string): string {
  return `${KEY_PREFIX}...${last4}`;
}

/** The public, non-secret id of a key record: `key_` + 12 random bytes in base64url. */
export function generateKeyId(): string {
  return `key_${randomBytes(12).toString('base64url')}`;
}
