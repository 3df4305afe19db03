// The shell both native lookups (macOS, Windows) run in: off its platform it loads nothing, a
// failed bind turns the lookup off for good, and no failure ever escapes.
import { describe, expect, it, vi } from 'vitest';
import type { Ffi } from '../../../main/attribution/load-koffi.js';
import { createNativeSocketOwner } from '../../../main/attribution/native-socket-owner.js';

const connection = { clientAddress: '127.0.0.1', clientPort: 50000, serverAddress: '127.0.0.1', serverPort: 4141 };
const ffi = {} as Ffi;

describe('createNativeSocketOwner', () => {
  it('answers null on another platform without loading koffi', () => {
    const loadFfi = vi.fn(() => ffi);
    const find = createNativeSocketOwner({ loadFfi, platform: 'linux' }, { platform: 'darwin', osName: 'macOS', bind: () => 1, find: () => ({ pid: 1, exePath: '/x' }) });
    expect(find(connection)).toBeNull();
    expect(loadFfi).not.toHaveBeenCalled();
  });

  it('binds once and finds with what it bound', () => {
    const bind = vi.fn(() => ({ table: 7 }));
    const find = createNativeSocketOwner({ loadFfi: () => ffi, platform: 'win32' }, { platform: 'win32', osName: 'Windows', bind, find: (native) => ({ pid: native.table, exePath: 'C:\\x.exe' }) });
    expect(find(connection)).toEqual({ pid: 7, exePath: 'C:\\x.exe' });
    expect(find(connection)).toEqual({ pid: 7, exePath: 'C:\\x.exe' });
    expect(bind).toHaveBeenCalledTimes(1);
  });

  it('says why once when koffi is missing or the bind fails, and stays off without retrying', () => {
    const onError = vi.fn();
    const loadFfi = vi.fn(() => null);
    const missing = createNativeSocketOwner({ loadFfi, platform: 'darwin', onError }, { platform: 'darwin', osName: 'macOS', bind: () => 1, find: () => null });
    expect([missing(connection), missing(connection)]).toEqual([null, null]);
    expect(loadFfi).toHaveBeenCalledTimes(1);
    expect(onError).toHaveBeenCalledWith(new Error('koffi is not installed: the macOS caller lookup is off'));
    const bind = vi.fn(() => { throw new Error('no symbol'); });
    const broken = createNativeSocketOwner({ loadFfi: () => ffi, platform: 'darwin', onError }, { platform: 'darwin', osName: 'macOS', bind, find: () => null });
    expect([broken(connection), broken(connection)]).toEqual([null, null]);
    expect(bind).toHaveBeenCalledTimes(1);
  });

  it('turns a failing lookup into null and tells onError, a thrown non-Error too', () => {
    const onError = vi.fn();
    const find = createNativeSocketOwner({ loadFfi: () => ffi, platform: 'darwin', onError }, { platform: 'darwin', osName: 'macOS', bind: () => 1, find: () => { throw 'EPERM'; } });
    expect(find(connection)).toBeNull();
    expect(onError).toHaveBeenCalledWith(new Error('EPERM'));
  });
});
