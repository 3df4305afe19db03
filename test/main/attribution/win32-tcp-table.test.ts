// The Windows lookup's pure half: GetExtendedTcpTable's MIB_TCPTABLE_OWNER_PID and
// MIB_TCP6TABLE_OWNER_PID bytes read into rows (ports in network byte order, upper port bytes
// ignored, IPv4-mapped addresses as dotted IPv4), a short buffer refused, and the caller's end of
// a connection told apart from the gateway's end and from a same-port row on another address.
import { describe, expect, it } from 'vitest';
import type { LoopbackConnection } from '../../../main/attribution/caller-process.js';
import { findWin32TcpOwnerPid, parseWin32TcpTable, win32TableFamilies } from '../../../main/attribution/win32-tcp-table.js';
import { hexBytes } from './fixtures/hex-bytes.js';
import { win32Ipv4Table, win32Ipv4TableTruncated, win32Ipv6Table } from './fixtures/win32-tcp-tables.js';

const v4 = (clientPort: number, clientAddress = '127.0.0.1'): LoopbackConnection => ({ clientAddress, clientPort, serverAddress: '127.0.0.1', serverPort: 4141 });

describe('parseWin32TcpTable', () => {
  it('reads every IPv4 row: state, addresses, ports in network byte order, pid', () => {
    const rows = parseWin32TcpTable(win32Ipv4Table, 'ipv4');
    expect(rows).toHaveLength(6);
    expect(rows[0]).toEqual({ family: 'ipv4', state: 2, localAddress: '127.0.0.1', localPort: 4141, remoteAddress: '0.0.0.0', remotePort: 0, pid: 4000 });
    // Upper two bytes of each port DWORD are garbage (0xbeef, 0xdead): only the low 16 bits count.
    expect(rows[2]).toEqual({ family: 'ipv4', state: 5, localAddress: '127.0.0.1', localPort: 50001, remoteAddress: '127.0.0.1', remotePort: 4141, pid: 116770 });
    expect(rows[5]).toMatchObject({ localAddress: '192.168.1.10', localPort: 50002, remoteAddress: '142.250.185.142', remotePort: 443, pid: 1234 });
  });

  it('reads IPv6 rows, giving an IPv4-mapped address as dotted IPv4', () => {
    const rows = parseWin32TcpTable(win32Ipv6Table, 'ipv6');
    expect(rows.map((row) => [row.localAddress, row.localPort, row.remoteAddress, row.remotePort, row.state, row.pid])).toEqual([
      ['::1', 4141, '::', 0, 2, 4000],
      ['::1', 50001, '::1', 4141, 5, 6000],
      ['::1', 4141, '::1', 50001, 5, 4000],
      ['127.0.0.1', 50002, '127.0.0.1', 4141, 5, 6100],
    ]);
    expect(rows.every((row) => row.family === 'ipv6')).toBe(true);
  });

  it('reads an empty table', () => {
    expect(parseWin32TcpTable(hexBytes('00 00 00 00'), 'ipv4')).toEqual([]);
    expect(parseWin32TcpTable(hexBytes('00 00 00 00'), 'ipv6')).toEqual([]);
  });

  it('ignores bytes past the last row (the buffer may be larger than the table)', () => {
    const padded = new Uint8Array(win32Ipv4Table.length + 100);
    padded.set(win32Ipv4Table);
    expect(parseWin32TcpTable(padded, 'ipv4')).toEqual(parseWin32TcpTable(win32Ipv4Table, 'ipv4'));
  });

  it('reads a table that does not start at the beginning of its ArrayBuffer', () => {
    const shifted = new Uint8Array(win32Ipv6Table.length + 3);
    shifted.set(win32Ipv6Table, 3);
    expect(parseWin32TcpTable(shifted.subarray(3), 'ipv6')).toEqual(parseWin32TcpTable(win32Ipv6Table, 'ipv6'));
  });

  it('refuses a table shorter than its row count says, rather than reading past it', () => {
    expect(() => parseWin32TcpTable(win32Ipv4TableTruncated, 'ipv4')).toThrow(/truncated: 6 rows of 24 bytes/);
    expect(() => parseWin32TcpTable(hexBytes('01 00'), 'ipv4')).toThrow(/truncated/);
    // The IPv4 table's 6 rows of 24 bytes are too few bytes for 6 IPv6 rows of 56: the wrong layout is refused.
    expect(() => parseWin32TcpTable(win32Ipv4Table, 'ipv6')).toThrow(/truncated: 6 rows of 56 bytes/);
    // A garbage count (0xffffffff) must not allocate or loop.
    expect(() => parseWin32TcpTable(hexBytes('ff ff ff ff 00*24'), 'ipv4')).toThrow(/truncated/);
  });
});

describe('findWin32TcpOwnerPid', () => {
  const ipv4Rows = parseWin32TcpTable(win32Ipv4Table, 'ipv4');
  const ipv6Rows = parseWin32TcpTable(win32Ipv6Table, 'ipv6');

  it('finds the caller by its address and port, never the gateway\'s own end', () => {
    expect(findWin32TcpOwnerPid(ipv4Rows, v4(50001))).toBe(116770);
  });

  it('tells two callers on the same port apart by address', () => {
    expect(findWin32TcpOwnerPid(ipv4Rows, v4(50001, '127.0.0.2'))).toBe(777);
  });

  it('finds a caller the gateway sees as IPv4-mapped on a dual-stack listener', () => {
    expect(findWin32TcpOwnerPid(ipv4Rows, { clientAddress: '::ffff:127.0.0.1', clientPort: 50001, serverAddress: '::ffff:127.0.0.1', serverPort: 4141 })).toBe(116770);
    // ... and one whose own socket is IPv6 talking IPv4 (listed in the IPv6 table as ::ffff:127.0.0.1).
    expect(findWin32TcpOwnerPid(ipv6Rows, v4(50002))).toBe(6100);
  });

  it('finds an IPv6 caller', () => {
    expect(findWin32TcpOwnerPid(ipv6Rows, { clientAddress: '::1', clientPort: 50001, serverAddress: '::1', serverPort: 4141 })).toBe(6000);
    expect(findWin32TcpOwnerPid(ipv6Rows, { clientAddress: '0:0:0:0:0:0:0:1', clientPort: 50001, serverAddress: '::1', serverPort: 4141 })).toBe(6000);
  });

  it('finds nobody for a closed connection (TIME_WAIT, pid 0), an unknown port, another server port or a non-IP address', () => {
    expect(findWin32TcpOwnerPid(ipv4Rows, v4(49999))).toBeNull();
    expect(findWin32TcpOwnerPid(ipv4Rows, v4(50003))).toBeNull();
    expect(findWin32TcpOwnerPid(ipv4Rows, { ...v4(50001), serverPort: 4142 })).toBeNull();
    // The byte-swapped port (0x51c3) must not match: the byte order is right, not just consistent.
    expect(findWin32TcpOwnerPid(ipv4Rows, v4(0x51c3))).toBeNull();
    expect(findWin32TcpOwnerPid(ipv4Rows, { ...v4(50001), clientAddress: 'localhost' })).toBeNull();
  });
});

describe('win32TableFamilies', () => {
  it('looks in AF_INET first for an IPv4 caller (then AF_INET6, for a mapped one), and only AF_INET6 for IPv6', () => {
    expect(win32TableFamilies(v4(1))).toEqual(['ipv4', 'ipv6']);
    expect(win32TableFamilies({ ...v4(1), clientAddress: '::ffff:127.0.0.1' })).toEqual(['ipv4', 'ipv6']);
    expect(win32TableFamilies({ ...v4(1), clientAddress: '::1' })).toEqual(['ipv6']);
    expect(win32TableFamilies({ ...v4(1), clientAddress: 'nonsense' })).toEqual([]);
  });
});
