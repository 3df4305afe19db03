import { describe, expect, it } from 'vitest';
import { isBrowserOrigin, settingsUpdateSchema } from '../../../shared/api/settings-schemas.js';

describe('isBrowserOrigin', () => {
  it.each([
    ['http://localhost:3000', true],
    ['https://app.example.com', true],
    ['http://[::1]:8080', true],
    ['http://127.0.0.1:5173', true],
    ['*', false],
    ['null', false],
    ['http://localhost:3000/', false],
    ['http://localhost:3000/path', false],
    ['http://localhost:3000?x', false],
    ['http://user@localhost:3000', false],
    ['HTTP://localhost:3000', false],
    ['http://localhost:80', false],
    ['ftp://localhost', false],
    ['localhost:3000', false],
    ['http://local host', false],
    ['', false],
  ])('%j is %s', (text, ok) => {
    expect(isBrowserOrigin(text)).toBe(ok);
  });
});

describe('settingsUpdateSchema', () => {
  it('accepts a partial update and refuses unknown fields', () => {
    expect(settingsUpdateSchema.safeParse({ body_logging: true }).success).toBe(true);
    expect(settingsUpdateSchema.safeParse({ port: 1 }).success).toBe(false);
  });

  it('caps the number of origins', () => {
    const origins = Array.from({ length: 33 }, (_, i) => `http://localhost:${3000 + i}`);
    expect(settingsUpdateSchema.safeParse({ allowed_origins: origins }).success).toBe(false);
    expect(settingsUpdateSchema.safeParse({ allowed_origins: origins.slice(0, 32) }).success).toBe(true);
  });
});
