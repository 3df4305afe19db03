// The Windows lookup's glue, on a fake koffi (iphlpapi and kernel32 cannot run on Linux): the
// table grown on ERROR_INSUFFICIENT_BUFFER and its size remembered, AF_INET then AF_INET6 for an
// IPv4 caller, the process handle opened, named and always closed, a refused OpenProcess or
// another logon session answered with null, every failure null and never a throw; on any other
// platform it answers null without loading koffi. The table bytes are the parser tests' fixtures.
import { describe, expect, it } from 'vitest';
import type { LoopbackConnection } from '../../../main/attribution/caller-process.js';
import { WIN32_DECLARATIONS, createWin32SocketOwner } from '../../../main/attribution/win32-socket-owner.js';
import { fakeFfi } from './fixtures/fake-ffi.js';
import { win32Ipv4Table, win32Ipv6Table } from './fixtures/win32-tcp-tables.js';

const AF_INET = 2;
const AF_INET6 = 23;
const v4 = (clientPort: number, clientAddress = '127.0.0.1'): LoopbackConnection => ({ clientAddress, clientPort, serverAddress: '127.0.0.1', serverPort: 4141 });
const v6 = (clientPort: number): LoopbackConnection => ({ clientAddress: '::1', clientPort, serverAddress: '::1', serverPort: 4141 });

interface WindowsScene {
  /** Pad the tables past the first buffer (16 KiB) so the first call is too small. */
  padTo?: number;
  /** Pids whose OpenProcess is refused (elevated, protected). */
  refused?: number[];
  sessions?: Record<number, number>;
  tableError?: number;
  imageNameFails?: boolean;
}

function windows(scene: WindowsScene = {}) {
  const sessions: Record<number, number> = { [process.pid]: 1, 116770: 1, 777: 2, 6000: 1, 6100: 1, ...scene.sessions };
  const paths: Record<number, string> = { 116770: 'C:\\Users\\Zoë\\AppData\\Local\\Programs\\Tool\\tool.exe', 6000: 'C:\\Tools\\six.exe', 6100: 'C:\\Tools\\mapped.exe', 777: 'C:\\Other\\other.exe' };
  const open = new Set<object>();
  const table = (af: number) => {
    const bytes = af === AF_INET ? win32Ipv4Table : win32Ipv6Table;
    const padded = new Uint8Array(Math.max(bytes.length, scene.padTo ?? 0));
    padded.set(bytes);
    return padded;
  };
  const fake = fakeFfi({
    GetExtendedTcpTable(buffer: Buffer, size: number[], order: number, af: number, tableClass: number, reserved: number) {
      expect([order, tableClass, reserved]).toEqual([0, 5, 0]);
      if (scene.tableError) return scene.tableError;
      const bytes = table(af);
      if (size[0]! < bytes.length) {
        size[0] = bytes.length;
        return 122;
      }
      buffer.set(bytes);
      size[0] = bytes.length;
      return 0;
    },
    ProcessIdToSessionId(pid: number, session: number[]) {
      if (sessions[pid] === undefined) return 0;
      session[0] = sessions[pid]!;
      return 1;
    },
    OpenProcess(access: number, inherit: number, pid: number) {
      expect([access, inherit]).toEqual([0x1000, 0]);
      if (scene.refused?.includes(pid) || paths[pid] === undefined) return null;
      const handle = { pid };
      open.add(handle);
      return handle;
    },
    QueryFullProcessImageNameW(handle: { pid: number }, flags: number, name: Buffer, units: number[]) {
      expect(open.has(handle)).toBe(true);
      expect(flags).toBe(0);
      if (scene.imageNameFails) return 0;
      const written = name.write(paths[handle.pid]!, 'utf16le');
      units[0] = written / 2;
      return 1;
    },
    CloseHandle(handle: object) {
      expect(open.delete(handle)).toBe(true);
      return 1;
    },
  });
  return { ...fake, open };
}

const tableCalls = (calls: Array<[string, unknown[]]>) => calls.filter(([name]) => name === 'GetExtendedTcpTable').map(([, args]) => [args[3], (args[0] as Buffer).length]);

describe('createWin32SocketOwner', () => {
  it('finds the caller in the AF_INET table, names its executable and closes the handle', () => {
    const fake = windows();
    const find = createWin32SocketOwner({ platform: 'win32', loadFfi: () => fake.ffi });
    expect(find(v4(50001))).toEqual({ pid: 116770, exePath: 'C:\\Users\\Zoë\\AppData\\Local\\Programs\\Tool\\tool.exe' });
    expect(fake.loads).toEqual(['iphlpapi.dll', 'kernel32.dll']);
    expect(new Set(fake.declarations)).toEqual(new Set(Object.values(WIN32_DECLARATIONS)));
    expect(fake.calls.map(([name]) => name)).toEqual(['ProcessIdToSessionId', 'GetExtendedTcpTable', 'ProcessIdToSessionId', 'OpenProcess', 'QueryFullProcessImageNameW', 'CloseHandle']);
    expect(tableCalls(fake.calls)).toEqual([[AF_INET, 16 * 1024]]);
    expect(fake.open.size).toBe(0);
  });

  it('grows the buffer on ERROR_INSUFFICIENT_BUFFER and keeps the size for the next lookup', () => {
    const fake = windows({ padTo: 40_000 });
    const find = createWin32SocketOwner({ platform: 'win32', loadFfi: () => fake.ffi });
    expect(find(v4(50001))?.pid).toBe(116770);
    expect(tableCalls(fake.calls)).toEqual([[AF_INET, 16 * 1024], [AF_INET, 40_000 + 4096]]);
    fake.calls.length = 0;
    expect(find(v4(50001))?.pid).toBe(116770);
    expect(tableCalls(fake.calls)).toEqual([[AF_INET, 40_000 + 4096]]);
  });

  it('looks for an IPv4 caller in AF_INET6 too (a dual-stack socket talking IPv4), and for an IPv6 caller only there', () => {
    const fake = windows();
    const find = createWin32SocketOwner({ platform: 'win32', loadFfi: () => fake.ffi });
    expect(find(v4(50002))).toEqual({ pid: 6100, exePath: 'C:\\Tools\\mapped.exe' });
    expect(tableCalls(fake.calls).map(([af]) => af)).toEqual([AF_INET, AF_INET6]);
    fake.calls.length = 0;
    expect(find(v6(50001))).toEqual({ pid: 6000, exePath: 'C:\\Tools\\six.exe' });
    expect(tableCalls(fake.calls).map(([af]) => af)).toEqual([AF_INET6]);
  });

  it('answers null when OpenProcess is refused (elevated or protected process), without a handle to close', () => {
    const fake = windows({ refused: [116770] });
    expect(createWin32SocketOwner({ platform: 'win32', loadFfi: () => fake.ffi })(v4(50001))).toBeNull();
    expect(fake.calls.some(([name]) => name === 'CloseHandle')).toBe(false);
  });

  it('closes the handle when the image name cannot be read, and answers null', () => {
    const fake = windows({ imageNameFails: true });
    expect(createWin32SocketOwner({ platform: 'win32', loadFfi: () => fake.ffi })(v4(50001))).toBeNull();
    expect(fake.calls.filter(([name]) => name === 'CloseHandle')).toHaveLength(1);
    expect(fake.open.size).toBe(0);
  });

  it('does not name a process of another logon session, unless told to resolve any session', () => {
    const fake = windows();
    expect(createWin32SocketOwner({ platform: 'win32', loadFfi: () => fake.ffi })(v4(50001, '127.0.0.2'))).toBeNull();
    expect(fake.calls.some(([name]) => name === 'OpenProcess')).toBe(false);
    expect(createWin32SocketOwner({ platform: 'win32', loadFfi: () => windows().ffi, sameSessionOnly: false })(v4(50001, '127.0.0.2'))).toEqual({ pid: 777, exePath: 'C:\\Other\\other.exe' });
  });

  it('answers null, and says why, when the table cannot be read or the gateway\'s own session is unknown', () => {
    const errors: string[] = [];
    const onError = (error: Error) => errors.push(error.message);
    expect(createWin32SocketOwner({ platform: 'win32', loadFfi: () => windows({ tableError: 87 }).ffi, onError })(v4(50001))).toBeNull();
    expect(createWin32SocketOwner({ platform: 'win32', loadFfi: () => windows({ sessions: { [process.pid]: undefined as unknown as number } }).ffi, onError })(v4(50001))).toBeNull();
    expect(errors).toEqual(['GetExtendedTcpTable(ipv4) failed: error 87', expect.stringMatching(/ProcessIdToSessionId failed for the gateway itself/)]);
  });

  it('answers null for a closed connection or an unknown one', () => {
    const find = createWin32SocketOwner({ platform: 'win32', loadFfi: () => windows().ffi });
    expect(find(v4(49999))).toBeNull();
    expect(find(v4(50009))).toBeNull();
  });

  it('without koffi answers null, says so once, and does not try to load it again', () => {
    const errors: Error[] = [];
    let loads = 0;
    const find = createWin32SocketOwner({ platform: 'win32', loadFfi: () => (loads++, null), onError: (error) => errors.push(error) });
    expect(find(v4(50001))).toBeNull();
    expect(find(v4(50001))).toBeNull();
    expect(loads).toBe(1);
    expect(errors.map((error) => error.message)).toEqual(['koffi is not installed: the Windows caller lookup is off']);
  });

  it('answers null when a native call throws, never throws itself', () => {
    const throwing = fakeFfi({ GetExtendedTcpTable: () => { throw new TypeError('bad'); }, OpenProcess: () => null, QueryFullProcessImageNameW: () => 0, CloseHandle: () => 1, ProcessIdToSessionId: (_pid: number, out: number[]) => ((out[0] = 1), 1) });
    expect(createWin32SocketOwner({ platform: 'win32', loadFfi: () => throwing.ffi })(v4(50001))).toBeNull();
  });

  it('on any other platform answers null without loading koffi', () => {
    let loads = 0;
    expect(createWin32SocketOwner({ platform: 'linux', loadFfi: () => (loads++, windows().ffi) })(v4(50001))).toBeNull();
    expect(createWin32SocketOwner({ platform: 'darwin', loadFfi: () => (loads++, windows().ffi) })(v4(50001))).toBeNull();
    expect(loads).toBe(0);
  });
});
