import { describe, expect, it } from 'vitest';
import { KEY_RANDOM_BYTES, generateKeyId, generateKeySecret, hashKey, keyLast4, maskKey } from '../../../main/keys/virtual-keys.js';

describe('virtual-keys', () => {
  it('generates sk- followed by 32 random bytes in base64url', () => {
    const key = generateKeySecret();
    expect(key).toMatch(/^sk-[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice(3), 'base64url')).toHaveLength(KEY_RANDOM_BYTES);
    expect(KEY_RANDOM_BYTES).toBeGreaterThanOrEqual(32);
  });

  it('never generates the same key twice', () => {
    const keys = new Set(Array.from({ length: 1_000 }, generateKeySecret));
    expect(keys.size).toBe(1_000);
  });

  // Vectors computed outside Node (Python hashlib), as LiteLLM's hash_token would.
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['sk-1234', '88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b'],
    ['é', '4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c'],
  ])('hashes %j as lowercase SHA-256 hex of its UTF-8 bytes', (key, expected) => {
    expect(hashKey(key)).toBe(expected);
  });

  it('masks a key as sk-... and its last 4 characters', () => {
    const key = 'sk-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAwxyz';
    expect(keyLast4(key)).toBe('wxyz');
    expect(maskKey(keyLast4(key))).toBe('sk-...wxyz');
  });

  it('generates key ids that are not secrets and do not look like keys', () => {
    const id = generateKeyId();
    expect(id).toMatch(/^key_[A-Za-z0-9_-]{16}$/);
    expect(id.startsWith('sk-')).toBe(false);
  });
});
