import { describe, expect, it } from 'vitest';
import { SecretStoreError, assertValidSecretName, isSecretStoreError, isValidSecretName, maskSecret } from '../../../main/secrets/secret-store.js';

describe('secret-store', () => {
  it.each([
    ['sk-proj-abcdefghijklmnop1234', 'sk-...1234'],
    ['sk-ant-api03-0123456789abcdefWXYZ', 'sk-...WXYZ'],
    ['AIzaSyA0123456789abcdefghijklmn', '...klmn'],
    ['sk-short', 'sk-...'],
    ['abc', '...'],
    ['', '...'],
  ])('masks %j as %j', (value, mask) => {
    expect(maskSecret(value)).toBe(mask);
  });

  it('never lets a mask contain more than the last four characters of a key', () => {
    const key = 'sk-CANARY-PROVIDER-0123456789';
    const mask = maskSecret(key);
    expect(mask).not.toContain('CANARY');
    expect(mask.replace(/^sk-\.\.\./, '')).toBe('6789');
  });

  it.each([
    ['openai', true],
    ['openai-api-key', true],
    ['A_b.c-9', true],
    ['x'.repeat(128), true],
    ['x'.repeat(129), false],
    ['', false],
    ['has space', false],
    ['slash/name', false],
    ['ünïcode', false],
    ['../etc', false],
  ])('accepts %j as a credential name: %s', (name, valid) => {
    expect(isValidSecretName(name)).toBe(valid);
    if (valid) expect(() => assertValidSecretName(name, 'get')).not.toThrow();
    else expect(() => assertValidSecretName(name, 'set')).toThrow(SecretStoreError);
  });

  it('tags errors with their kind and operation', () => {
    const error = new SecretStoreError('locked', 'set', 'unlock it');
    expect(isSecretStoreError(error)).toBe(true);
    expect(isSecretStoreError(new Error('x'))).toBe(false);
    expect(error).toMatchObject({ kind: 'locked', operation: 'set', name: 'SecretStoreError', message: 'unlock it' });
  });
});
