import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../main/storage/open-database.js';
import { ConfigError } from '../../../main/core/config-error.js';
import { SecretStoreError } from '../../../main/secrets/secret-store.js';
import { describeStartFailure, nextPort } from '../../../main/app/gateway-start-failure.js';

const context = { host: '127.0.0.1', port: 4141, configFile: null };
const errno = (code: string, syscall = 'listen') => Object.assign(new Error(`${syscall} ${code}`), { code, syscall });

describe('gateway-start-failure', () => {
  it('explains a port in use and offers the next port', () => {
    expect(describeStartFailure(errno('EADDRINUSE'), context)).toEqual({
      kind: 'port-in-use',
      message: 'Port 4141 on 127.0.0.1 is already in use (another Switchboard, or another program).',
      fix: { kind: 'use-port', port: 4142 },
    });
  });

  it('offers 4141 for a privileged port the user may not bind', () => {
    expect(describeStartFailure(errno('EACCES'), { ...context, port: 80 })).toMatchObject({ kind: 'port-not-allowed', fix: { kind: 'use-port', port: 4141 } });
  });

  it('reports an unwritable data folder without a fix', () => {
    expect(describeStartFailure(errno('EACCES', 'open'), context)).toMatchObject({ kind: 'data-dir', fix: null });
    expect(describeStartFailure(errno('ENOSPC', 'write'), context)).toMatchObject({ kind: 'data-dir' });
  });

  it('offers to open a broken config file, by the file the error names', () => {
    const failure = describeStartFailure(new ConfigError('/home/u/config.yaml', 3, 'model_list must be a list'), context);
    expect(failure).toEqual({ kind: 'config', message: 'The config file has a problem: /home/u/config.yaml:3: model_list must be a list', fix: { kind: 'open-config', file: '/home/u/config.yaml' } });
  });

  it('has no file to open when the built-in default config fails', () => {
    expect(describeStartFailure(new ConfigError('<default>', undefined, 'x'), context).fix).toBeNull();
  });

  it('passes on what the keychain says to install or unlock', () => {
    const failure = describeStartFailure(new SecretStoreError('locked', 'get', 'The keyring is locked: unlock it and try again'), context);
    expect(failure).toEqual({ kind: 'keychain', message: 'The OS keychain could not provide the admin key: The keyring is locked: unlock it and try again', fix: null });
  });

  it('names the SQLite module it could not load (no Electron build yet: npm run app makes one)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-start-'));
    const binding = join(dir, 'native', 'electron', 'linux-x64', 'better_sqlite3.node');
    let thrown: unknown;
    try {
      openDatabase({ file: join(dir, 'switchboard.db'), log: { debug() {}, info() {}, warn() {}, error() {} }, nativeBinding: binding });
    } catch (error) {
      thrown = error;
    }
    expect(describeStartFailure(thrown, context)).toEqual({ kind: 'other', message: `SQLite's native module ${binding} could not be loaded: the file does not exist`, fix: null });
  });

  it('clips long unknown errors', () => {
    const failure = describeStartFailure(new Error('x'.repeat(1000)), context);
    expect(failure.kind).toBe('other');
    expect(failure.message.length).toBe(300);
    expect(describeStartFailure('plain string', context).message).toBe('plain string');
  });

  it.each([[4141, 4142], [65535, 1024]])('offers port %d -> %d', (port, next) => {
    expect(nextPort(port)).toBe(next);
  });
});
