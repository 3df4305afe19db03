import { describe, expect, it } from 'vitest';
import { createSecretRedactor, REDACTED } from '../../../main/metering/redact-secrets.js';

describe('redact-secrets', () => {
  it.each([
    ['an OpenAI key', 'my key is sk-proj-abcdefghijklmnop1234 ok', `my key is ${REDACTED} ok`],
    ['an Anthropic key', '"sk-ant-api03-AAAAAAAAAAAAAAAAAAAAAA"', `"${REDACTED}"`],
    ['a Switchboard virtual key', 'sk-Q2xhdWRlIGlzIGEgZ29vZCBtb2RlbCBhbmQgdGhpcw', REDACTED],
    ['a Google key', 'key=AIzaSyA1234567890abcdefghijklmnopqrstu', `key=${REDACTED}`],
    ['a GitHub token', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', REDACTED],
    ['an AWS access key id', 'AKIAIOSFODNN7EXAMPLE', REDACTED],
    ['a bearer token', 'Authorization: Bearer abc.def.ghi-jkl', `Authorization: ${REDACTED}`],
  ])('masks %s', (_name, input, expected) => {
    expect(createSecretRedactor()(input)).toBe(expected);
  });

  it.each([
    ['ordinary words', 'use sk-learn for the desk-top task'],
    ['a short sk- word', 'sk-12345'],
    ['JSON without keys', '{"role":"user","content":"hello"}'],
  ])('leaves %s alone', (_name, input) => {
    expect(createSecretRedactor()(input)).toBe(input);
  });

  it('masks the exact secrets it is given, whatever their shape, but ignores very short ones', () => {
    const redact = createSecretRedactor(['my-master-password', 'abc', undefined]);
    expect(redact('admin my-master-password and abc')).toBe(`admin ${REDACTED} and abc`);
  });

  it('masks a secret remembered after it was created, in every later call', () => {
    const redact = createSecretRedactor();
    expect(redact('key 0f1e2d3c4b5a6978')).toBe('key 0f1e2d3c4b5a6978');
    redact.remember('0f1e2d3c4b5a6978');
    redact.remember('0f1e2d3c4b5a6978');
    redact.remember('short');
    expect(redact('key 0f1e2d3c4b5a6978 short')).toBe(`key ${REDACTED} short`);
  });

  it('masks the values given for one call in that call only, longest first with the known ones', () => {
    const redact = createSecretRedactor(['inner-secret-1234']);
    expect(redact('x-outer-inner-secret-1234-y', ['outer-inner-secret-1234'])).toBe(`x-${REDACTED}-y`);
    expect(redact('x-outer-inner-secret-1234-y')).toBe(`x-outer-${REDACTED}-y`);
  });
});
