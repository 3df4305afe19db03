import { describe, expect, it } from 'vitest';
import {
  KEYCHAIN_SERVICE,
  createKeytarSecretStore,
  describeLoadFailure,
  explainKeychainError,
  keychainName,
  type KeytarApi,
} from '../../../main/secrets/keytar-secret-store.js';
import type { ScheduleTimeout } from '../../../main/secrets/with-secret-timeout.js';

/** keytar's API over a Map keyed by service and account, recording every call. */
function fakeKeytar() {
  const items = new Map<string, string>();
  const calls: string[] = [];
  const api: KeytarApi = {
    async getPassword(service, account) {
      calls.push(`get ${service}/${account}`);
      return items.get(`${service}/${account}`) ?? null;
    },
    async setPassword(service, account, password) {
      calls.push(`set ${service}/${account}`);
      items.set(`${service}/${account}`, password);
    },
    async deletePassword(service, account) {
      calls.push(`delete ${service}/${account}`);
      return items.delete(`${service}/${account}`);
    },
    async findCredentials(service) {
      calls.push(`find ${service}`);
      return [...items].filter(([k]) => k.startsWith(`${service}/`)).map(([k, password]) => ({ account: k.slice(service.length + 1), password }));
    },
  };
  return { api, items, calls };
}

function failingKeytar(message: string): KeytarApi {
  const fail = async () => {
    throw new Error(message);
  };
  return { getPassword: fail, setPassword: fail, deletePassword: fail, findCredentials: fail };
}

const neverFires: ScheduleTimeout = () => () => undefined;

describe('keytar-secret-store', () => {
  it('keeps each credential as one account of the service "Switchboard"', async () => {
    const keytar = fakeKeytar();
    const store = createKeytarSecretStore({ load: async () => keytar.api, schedule: neverFires });
    await store.set('openai', 'sk-openai-value-0001');
    await store.set('anthropic', 'sk-ant-value-0002');
    expect([...keytar.items.keys()]).toEqual(['Switchboard/openai', 'Switchboard/anthropic']);
    expect(await store.get('openai')).toBe('sk-openai-value-0001');
    expect(await store.get('missing')).toBeUndefined();
    expect(await store.list()).toEqual(['anthropic', 'openai']);
    expect(await store.delete('openai')).toBe(true);
    expect(await store.delete('openai')).toBe(false);
    expect(KEYCHAIN_SERVICE).toBe('Switchboard');
  });

  it('lists names only, never values', async () => {
    const keytar = fakeKeytar();
    keytar.items.set('Switchboard/a', 'sk-value-one-xxxxxxxx');
    keytar.items.set('Other/b', 'not ours');
    const store = createKeytarSecretStore({ load: async () => keytar.api, schedule: neverFires });
    const names = await store.list();
    expect(names).toEqual(['a']);
    expect(JSON.stringify(names)).not.toContain('sk-value');
  });

  it('uses another service when told (tests never touch the real one)', async () => {
    const keytar = fakeKeytar();
    const store = createKeytarSecretStore({ service: 'Switchboard-test', load: async () => keytar.api, schedule: neverFires });
    await store.set('x', 'value-x');
    expect(keytar.calls).toEqual(['set Switchboard-test/x']);
    expect(store.location).toContain('service "Switchboard-test"');
  });

  it('does not load keytar until the first keychain call', async () => {
    let loads = 0;
    const keytar = fakeKeytar();
    const store = createKeytarSecretStore({ load: async () => (loads++, keytar.api), schedule: neverFires });
    expect(loads).toBe(0);
    await store.get('a');
    await store.get('b');
    expect(loads).toBe(1);
  });

  it('reports a missing libsecret as "unavailable" with what to install, and retries the load next time', async () => {
    let attempt = 0;
    const keytar = fakeKeytar();
    const store = createKeytarSecretStore({
      platform: 'linux',
      schedule: neverFires,
      load: async () => {
        attempt += 1;
        if (attempt === 1) throw new Error('libsecret-1.so.0: cannot open shared object file: No such file or directory');
        return keytar.api;
      },
    });
    const error = await store.set('openai', 'sk-value').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'unavailable', operation: 'set' });
    expect((error as Error).message).toMatch(/apt install libsecret-1-0/);
    expect((error as Error).message).toMatch(/os\.environ\/NAME/);
    await store.set('openai', 'sk-value');
    expect(keytar.items.get('Switchboard/openai')).toBe('sk-value');
  });

  it('refuses invalid names and empty values before reaching the keychain', async () => {
    const keytar = fakeKeytar();
    const store = createKeytarSecretStore({ load: async () => keytar.api, schedule: neverFires });
    await expect(store.set('a b', 'v')).rejects.toMatchObject({ kind: 'invalid_name' });
    await expect(store.set('ok', '')).rejects.toMatchObject({ kind: 'failed' });
    expect(keytar.calls).toEqual([]);
  });

  it('turns a hanging keytar call into a timeout error with an unlock hint', async () => {
    let fire: (() => void) | undefined;
    const schedule: ScheduleTimeout = (f) => ((fire = f), () => undefined);
    const hang = () => new Promise<never>(() => undefined);
    const store = createKeytarSecretStore({
      platform: 'linux',
      schedule,
      load: async () => ({ getPassword: hang, setPassword: hang, deletePassword: hang, findCredentials: hang }),
    });
    const call = store.set('openai', 'sk-value');
    await new Promise((resolve) => setImmediate(resolve));
    fire!();
    const error = await call.catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'timeout' });
    expect((error as Error).message).toMatch(/within 5 s \(storing "openai"\)\. Is the keyring locked/);
  });

  // The Linux messages are the ones toolchain.md §2 recorded from keytar 7.9.0 with libsecret.
  it.each([
    ['Cannot autolaunch D-Bus without X11 $DISPLAY', 'unavailable', /No D-Bus session bus.*os\.environ\/NAME/],
    ['Could not connect: No such file or directory', 'unavailable', /No D-Bus session bus/],
    ['The name org.freedesktop.secrets was not provided by any .service files', 'unavailable', /No Secret Service.*apt install gnome-keyring.*KWallet/],
    ['GDBus.Error:org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided by any .service files', 'unavailable', /No Secret Service/],
    ['Object does not exist at path “/org/freedesktop/secrets/collection/login”', 'locked', /keyring is locked.*gnome-keyring-daemon --unlock/],
    ['Cannot create an item in a locked collection', 'locked', /keyring is locked/],
    ['Something unexpected', 'failed', /^The OS keychain refused: Something unexpected$/],
  ] as const)('explains the Linux error %j as %s', async (message, kind, pattern) => {
    const store = createKeytarSecretStore({ platform: 'linux', load: async () => failingKeytar(message), schedule: neverFires });
    const error = await store.set('openai', 'sk-canary-value-1234').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind, operation: 'set' });
    expect((error as Error).message).toMatch(pattern);
    expect((error as Error).message).not.toContain('sk-canary');
  });

  it.each([
    ['darwin', 'User interaction is not allowed.', 'locked', /login keychain is locked.*Keychain Access/],
    ['darwin', 'The user name or passphrase you entered is not correct.', 'failed', /macOS Keychain refused/],
    ['win32', 'Element not found.', 'failed', /Windows Credential Manager refused: Element not found\./],
  ] as const)('explains the %s error %j as %s', (platform, message, kind, pattern) => {
    const error = explainKeychainError(new Error(message), 'get', platform);
    expect(error.kind).toBe(kind);
    expect(error.message).toMatch(pattern);
  });

  it('keeps only the first line of a long keychain message', () => {
    const error = explainKeychainError(new Error(`first line\nsecond line ${'x'.repeat(500)}`), 'list', 'linux');
    expect(error.message).toBe('The OS keychain refused: first line');
  });

  it.each([
    ['NODE_MODULE_VERSION 115. This version of Node.js requires NODE_MODULE_VERSION 123.', /npm rebuild keytar/],
    ["Cannot find module 'keytar'", /could not be loaded: Cannot find module 'keytar'\. On Linux it needs libsecret/],
  ])('explains the load failure %j', (message, pattern) => {
    expect(describeLoadFailure(new Error(message), 'linux')).toMatch(pattern);
  });

  it.each([
    ['darwin', 'macOS Keychain'],
    ['win32', 'Windows Credential Manager'],
    ['linux', 'Secret Service (GNOME Keyring or KWallet)'],
  ] as const)('names the keychain on %s "%s"', (platform, name) => {
    expect(keychainName(platform)).toBe(name);
    expect(createKeytarSecretStore({ platform }).location).toBe(`${name}, service "Switchboard"`);
  });
});
