// The macOS lookup's glue, on a fake koffi (sysctlbyname and proc_pidpath cannot run on Linux):
// the size-then-read flow of sysctlbyname, a list that grew in between, proc_pidpath's path, the
// uid filter, and every failure answered with null, never a throw; on any other platform it
// answers null without loading koffi at all. The table bytes are the parser tests' fixtures.
import { describe, expect, it } from 'vitest';
import type { LoopbackConnection } from '../../../main/attribution/caller-process.js';
import { DARWIN_DECLARATIONS, DARWIN_LIBRARY, createDarwinSocketOwner } from '../../../main/attribution/darwin-socket-owner.js';
import { INP_IPV4, buildDarwinPcbList } from './fixtures/darwin-pcblist-builder.js';
import { fakeFfi } from './fixtures/fake-ffi.js';

const ENOMEM = 12;
const list = buildDarwinPcbList([
  { vflag: INP_IPV4, local: ['127.0.0.1', 4141], remote: ['127.0.0.1', 50001], uid: 501, lastPid: 4000 },
  { vflag: INP_IPV4, local: ['127.0.0.1', 50001], remote: ['127.0.0.1', 4141], uid: 501, lastPid: 116770 },
  { vflag: INP_IPV4, local: ['127.0.0.1', 50004], remote: ['127.0.0.1', 4141], uid: 502, lastPid: 7000 },
]);
const connection = (clientPort: number): LoopbackConnection => ({ clientAddress: '127.0.0.1', clientPort, serverAddress: '127.0.0.1', serverPort: 4141 });
const paths: Record<number, string> = { 116770: '/Users/zoë/.local/bin/sync-notes', 7000: '/usr/local/bin/other' };

/** A macOS whose pcblist is `tables[0]` when sized and `tables[n]` at the n-th read, and whose processes are `paths`. */
function mac(tables: Uint8Array[] = [list], options: { sizeErrno?: number; readErrno?: number } = {}) {
  let reads = 0;
  const fake = fakeFfi({
    sysctlbyname(name: string, buffer: Buffer | null, length: number[], newp: unknown, newlen: number) {
      expect([name, newp, newlen]).toEqual(['net.inet.tcp.pcblist_n', null, 0]);
      // The size call sees the first table, the n-th read the n-th (the list changes in between).
      const table = tables[Math.min(buffer === null ? 0 : ++reads, tables.length - 1)]!;
      if (buffer === null) {
        if (options.sizeErrno) return (fake.errno.value = options.sizeErrno), -1;
        length[0] = table.length;
        return 0;
      }
      if (options.readErrno) return (fake.errno.value = options.readErrno), -1;
      if (length[0]! < table.length) return (fake.errno.value = ENOMEM), -1;
      buffer.set(table);
      length[0] = table.length;
      return 0;
    },
    proc_pidpath(pid: number, buffer: Buffer, size: number) {
      const path = paths[pid];
      if (path === undefined) return 0;
      return buffer.write(path.slice(0, size), 'utf8');
    },
  });
  return fake;
}

describe('createDarwinSocketOwner', () => {
  it('sizes the list, reads it, finds the caller\'s pid and names its executable', () => {
    const fake = mac();
    const find = createDarwinSocketOwner({ platform: 'darwin', loadFfi: () => fake.ffi, uid: 501 });
    expect(find(connection(50001))).toEqual({ pid: 116770, exePath: '/Users/zoë/.local/bin/sync-notes' });
    expect(fake.loads).toEqual([DARWIN_LIBRARY]);
    expect(fake.declarations).toEqual([DARWIN_DECLARATIONS.sysctlbyname, DARWIN_DECLARATIONS.proc_pidpath]);
    const [size, read, path] = fake.calls;
    expect(size![1][1]).toBeNull();
    expect(read![1][1]).toBeInstanceOf(Buffer);
    expect((read![1][1] as Buffer).length).toBe(list.length);
    expect(path).toEqual(['proc_pidpath', [116770, expect.any(Buffer), 4096]]);
    // Bound once: a second lookup reads again without loading anything.
    expect(find(connection(50001))?.pid).toBe(116770);
    expect(fake.loads).toHaveLength(1);
  });

  it('reads again with a larger buffer when the list grew between the size and the read (ENOMEM)', () => {
    const grown = buildDarwinPcbList(
      Array.from({ length: 4 }, (_, i) => ({ vflag: INP_IPV4, local: ['127.0.0.1', 50001 + i] as [string, number], remote: ['127.0.0.1', 4141] as [string, number], uid: 501, lastPid: 116770 })),
    );
    const fake = mac([list, grown]);
    const find = createDarwinSocketOwner({ platform: 'darwin', loadFfi: () => fake.ffi, uid: 501 });
    expect(find(connection(50003))?.pid).toBe(116770);
    const reads = fake.calls.filter(([name, args]) => name === 'sysctlbyname' && args[1] !== null);
    expect(reads.map(([, args]) => (args[1] as Buffer).length)).toEqual([list.length, list.length * 2]);
  });

  it('answers null, and says why, when the list keeps growing, sysctl fails or the layout is unknown', () => {
    const errors: string[] = [];
    const onError = (error: Error) => errors.push(error.message);
    const huge = new Uint8Array(list.length * 10);
    expect(createDarwinSocketOwner({ platform: 'darwin', loadFfi: () => mac([list, huge]).ffi, uid: 501, onError })(connection(50001))).toBeNull();
    expect(createDarwinSocketOwner({ platform: 'darwin', loadFfi: () => mac([list], { sizeErrno: 1 }).ffi, uid: 501, onError })(connection(50001))).toBeNull();
    expect(createDarwinSocketOwner({ platform: 'darwin', loadFfi: () => mac([list], { readErrno: 1 }).ffi, uid: 501, onError })(connection(50001))).toBeNull();
    const future = buildDarwinPcbList([{ vflag: INP_IPV4, local: ['127.0.0.1', 50001], remote: ['127.0.0.1', 4141], uid: 501, lastPid: 116770 }], { xsocketBytes: 112 });
    expect(createDarwinSocketOwner({ platform: 'darwin', loadFfi: () => mac([future]).ffi, uid: 501, onError })(connection(50001))).toBeNull();
    expect(errors).toEqual([
      expect.stringMatching(/read of \d+ bytes failed: errno 12/),
      'sysctlbyname(net.inet.tcp.pcblist_n) size failed: errno 1',
      expect.stringMatching(/read of \d+ bytes failed: errno 1$/),
      expect.stringMatching(/layout not known: xsocket_n is 112 bytes/),
    ]);
  });

  it('does not name another user\'s program, unless told to resolve any user', () => {
    const fake = mac();
    expect(createDarwinSocketOwner({ platform: 'darwin', loadFfi: () => fake.ffi, uid: 501 })(connection(50004))).toBeNull();
    expect(fake.calls.some(([name]) => name === 'proc_pidpath')).toBe(false);
    expect(createDarwinSocketOwner({ platform: 'darwin', loadFfi: () => mac().ffi, uid: null })(connection(50004))).toEqual({ pid: 7000, exePath: '/usr/local/bin/other' });
  });

  it('answers null for a caller that exited before its path was read, or a connection not in the list', () => {
    delete paths[116770];
    try {
      expect(createDarwinSocketOwner({ platform: 'darwin', loadFfi: () => mac().ffi, uid: 501 })(connection(50001))).toBeNull();
    } finally {
      paths[116770] = '/Users/zoë/.local/bin/sync-notes';
    }
    expect(createDarwinSocketOwner({ platform: 'darwin', loadFfi: () => mac().ffi, uid: 501 })(connection(50009))).toBeNull();
  });

  it('without koffi answers null, says so once, and does not try to load it again', () => {
    const errors: Error[] = [];
    let loads = 0;
    const find = createDarwinSocketOwner({ platform: 'darwin', loadFfi: () => (loads++, null), onError: (error) => errors.push(error) });
    expect(find(connection(50001))).toBeNull();
    expect(find(connection(50001))).toBeNull();
    expect(loads).toBe(1);
    expect(errors.map((error) => error.message)).toEqual(['koffi is not installed: the macOS caller lookup is off']);
  });

  it('answers null when a native call throws (a bad argument, a missing symbol), never throws itself', () => {
    const throwing = fakeFfi({ sysctlbyname: () => { throw new TypeError('Unexpected Buffer value'); }, proc_pidpath: () => 0 });
    expect(createDarwinSocketOwner({ platform: 'darwin', loadFfi: () => throwing.ffi })(connection(50001))).toBeNull();
    const missing = fakeFfi({});
    expect(createDarwinSocketOwner({ platform: 'darwin', loadFfi: () => missing.ffi })(connection(50001))).toBeNull();
  });

  it('on any other platform answers null without loading koffi', () => {
    let loads = 0;
    const find = createDarwinSocketOwner({ platform: 'linux', loadFfi: () => (loads++, mac().ffi) });
    expect(find(connection(50001))).toBeNull();
    expect(createDarwinSocketOwner({ platform: 'win32', loadFfi: () => (loads++, mac().ffi) })(connection(50001))).toBeNull();
    expect(loads).toBe(0);
  });
});
