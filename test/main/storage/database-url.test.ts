import { describe, expect, it } from 'vitest';
import { InvalidDatabaseUrlError, maskDatabaseUrl, parseDatabaseUrl } from '../../../main/storage/database-url.js';

describe('parseDatabaseUrl', () => {
  it('reads a LiteLLM-style PostgreSQL URL and masks its password', () => {
    const url = parseDatabaseUrl('postgresql://llmproxy:dbpassword9090@db:5432/litellm');
    expect(url).toEqual({
      engine: 'postgresql',
      connectionString: 'postgresql://llmproxy:dbpassword9090@db:5432/litellm',
      host: 'db',
      port: 5432,
      database: 'litellm',
      user: 'llmproxy',
      masked: 'postgresql://llmproxy:****@db:5432/litellm',
    });
  });

  it.each([
    ['postgres:// and the default port', 'postgres://u@10.0.0.5/sb', { host: '10.0.0.5', port: 5432, database: 'sb', masked: 'postgres://u@10.0.0.5/sb' }],
    ['a percent-encoded password and database', 'postgresql://u:p%40ss@h:6432/my%20db', { port: 6432, database: 'my db', masked: 'postgresql://u:****@h:6432/my%20db' }],
    ['a password= parameter', 'postgresql://u@h/db?sslmode=require&password=hunter2', { masked: 'postgresql://u@h/db?sslmode=require&password=****' }],
  ])('accepts %s', (_name, text, expected) => {
    expect(parseDatabaseUrl(text)).toMatchObject(expected);
  });

  it.each([
    ['an empty value', '', /is empty; expected postgresql:\/\/USER:PASSWORD@HOST:5432\/DATABASE/],
    ['a bare word', 'litellm', /is not a URL/],
    ['another database', 'mysql://root:topsecret@db/litellm', /uses mysql:\/\/, which Switchboard does not support; only PostgreSQL/],
    ['an SQLite file', 'sqlite:/var/lib/switchboard.db', /SQLite is the default and needs no URL/],
    ['a port out of range', 'postgresql://u:topsecret@db:99999/x', /is not a valid URL \(check the port/],
    ['no host', 'postgresql://u:topsecret@/litellm', /names no host|is not a valid URL/],
    ['no database', 'postgresql://u:topsecret@db:5432', /postgresql:\/\/u:\*\*\*\*@db:5432\/? names no database/],
    ['port 0', 'postgresql://u:topsecret@db:0/x', /has port 0/],
  ])('refuses %s with a reason and never the password', (_name, text, reason) => {
    let caught: unknown;
    try {
      parseDatabaseUrl(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidDatabaseUrlError);
    expect((caught as Error).message).toMatch(reason);
    expect((caught as Error).message).not.toContain('topsecret');
  });
});

describe('maskDatabaseUrl', () => {
  it.each([
    ['postgresql://u:secret@h/db', 'postgresql://u:****@h/db'],
    ['postgresql://u@h/db', 'postgresql://u@h/db'],
    ['postgresql://u:secret@h:99999/db', 'postgresql://…'],
    ['no url at all secret', '(not a URL)'],
  ])('masks %s as %s', (text, masked) => {
    expect(maskDatabaseUrl(text)).toBe(masked);
  });
});
