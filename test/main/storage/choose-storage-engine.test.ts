import { describe, expect, it } from 'vitest';
import { chooseStorageEngine, DatabaseUrlSourceError } from '../../../main/storage/choose-storage-engine.js';

const flagUrl = 'postgresql://flag:pw1@flag-host/db';
const envUrl = 'postgresql://env:pw2@env-host/db';
const configUrl = 'postgresql://config:pw3@config-host/db';

describe('chooseStorageEngine', () => {
  it('keeps SQLite when no URL is given anywhere', () => {
    expect(chooseStorageEngine({ env: {} })).toEqual({ engine: 'sqlite' });
    expect(chooseStorageEngine({ env: { DATABASE_URL: '' } })).toEqual({ engine: 'sqlite' });
  });

  it.each([
    ['the flag over DATABASE_URL and the config', { flag: flagUrl, env: { DATABASE_URL: envUrl }, config: configUrl }, 'flag-host', '--database-url'],
    ['DATABASE_URL over the config', { env: { DATABASE_URL: envUrl }, config: configUrl }, 'env-host', 'DATABASE_URL'],
    ['the config alone', { env: {}, config: configUrl }, 'config-host', 'general_settings.database_url'],
    ['the config as os.environ/NAME', { env: { PG_URL: envUrl }, config: 'os.environ/PG_URL' }, 'env-host', 'general_settings.database_url (os.environ/PG_URL)'],
  ])('takes %s', (_name, sources, host, source) => {
    const choice = chooseStorageEngine(sources);
    expect(choice).toMatchObject({ engine: 'postgresql', source, url: { host } });
  });

  it('names where a bad URL came from, without its password', () => {
    expect(() => chooseStorageEngine({ env: { DATABASE_URL: 'mysql://u:pw-hidden@h/db' } })).toThrow(DatabaseUrlSourceError);
    expect(() => chooseStorageEngine({ env: { DATABASE_URL: 'mysql://u:pw-hidden@h/db' } })).toThrow(/^DATABASE_URL uses mysql:\/\/, which Switchboard does not support/);
    expect(() => chooseStorageEngine({ env: {}, config: 'os.environ/NOT_SET' })).toThrow('general_settings.database_url is os.environ/NOT_SET, but NOT_SET is not set');
    try {
      chooseStorageEngine({ flag: 'postgresql://u:pw-hidden@h:70000/db', env: {} });
    } catch (error) {
      expect((error as Error).message).toMatch(/^--database-url is not a valid URL/);
      expect((error as Error).message).not.toContain('pw-hidden');
    }
    expect.assertions(5);
  });
});
