// /proc/net/tcp{,6} parsing on tables recorded on Linux x86-64 (test/fixtures/attribution): a
// 127.0.0.1 connection, a ::1 one, and an IPv4 client of a dual-stack listener, which the gateway
// sees as ::ffff:127.0.0.1 while the client's own row is in the IPv4 table.
import { readFileSync } from 'node:fs';
import { canonicalAddress } from '../../../main/attribution/canonical-address.js';
import { describe, expect, it } from 'vitest';
import { findClientRow, parseEndpoint, parseProcAddress, parseProcNetTcp } from '../../../main/attribution/proc-net-tcp.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/attribution/${name}`, import.meta.url), 'utf8');
const tcp = parseProcNetTcp(fixture('proc-net-tcp.txt'));
const tcp6 = parseProcNetTcp(fixture('proc-net-tcp6.txt'));

describe('parseProcNetTcp', () => {
  it('reads addresses (little-endian words), ports (big-endian hex), state, uid and inode', () => {
    expect(tcp).toContainEqual({ localAddress: '127.0.0.1', localPort: 51246, remoteAddress: '127.0.0.1', remotePort: 40747, state: 1, uid: 0, inode: '1688978' });
    expect(tcp6).toContainEqual({ localAddress: '::1', localPort: 60318, remoteAddress: '::1', remotePort: 39689, state: 1, uid: 0, inode: '1688979' });
  });

  it('reads an IPv4-mapped IPv6 address as plain IPv4', () => {
    expect(tcp6).toContainEqual(expect.objectContaining({ localAddress: '127.0.0.1', localPort: 39689, remoteAddress: '127.0.0.1', remotePort: 47894, inode: '1688983' }));
  });

  it('skips the header, blank lines and malformed rows', () => {
    const rows = parseProcNetTcp('  sl  local_address rem_address\n\n   0: ZZ:1 00000000:0000 0A 0 0 0 0 0 1\n   1: 0100007F:0050 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000 0 77 1\n');
    expect(rows).toEqual([{ localAddress: '127.0.0.1', localPort: 80, remoteAddress: '127.0.0.1', remotePort: 8080, state: 1, uid: 1000, inode: '77' }]);
  });
});

describe('parseProcAddress', () => {
  it.each([
    ['0100007F', '127.0.0.1'],
    ['0101A8C0', '192.168.1.1'],
    ['00000000000000000000000001000000', '::1'],
    ['0000000000000000FFFF00000100007F', '127.0.0.1'],
    ['B80D0120000000000000000001000000', '2001:db8::1'],
    ['XYZ', null],
    ['0100007', null],
  ])('%s -> %s', (hex, address) => {
    expect(parseProcAddress(hex)).toBe(address);
  });

  it('spells an address as canonicalAddress does, the one spelling the macOS and Windows tables use', () => {
    // The kernel's words for ::1 and 2001:db8::1; canonical-address.test.ts covers the spellings.
    expect(parseProcAddress('00000000000000000000000001000000')).toBe(canonicalAddress('0:0:0:0:0:0:0:1'));
    expect(parseProcAddress('B80D0120000000000000000001000000')).toBe(canonicalAddress('2001:DB8:0::1'));
  });

  it('refuses an endpoint without a four-digit port', () => {
    expect(parseEndpoint('0100007F')).toBeNull();
    expect(parseEndpoint('0100007F:50')).toBeNull();
  });
});

describe('findClientRow', () => {
  it("finds the client's own row, never the gateway's accepted socket nor a listener", () => {
    const row = findClientRow(tcp, { clientAddress: '127.0.0.1', clientPort: 51246, serverAddress: '127.0.0.1', serverPort: 40747 });
    expect(row?.inode).toBe('1688978');
    // The mirror image (the gateway's side, inode 1688981) is what a swapped lookup would find.
    expect(findClientRow(tcp, { clientAddress: '127.0.0.1', clientPort: 40747, serverAddress: '127.0.0.1', serverPort: 51246 })?.inode).toBe('1688981');
    expect(findClientRow(tcp, { clientAddress: '0.0.0.0', clientPort: 2024, serverAddress: '0.0.0.0', serverPort: 0 })).toBeUndefined();
  });

  it('finds a ::1 client in tcp6, however the connection spells it', () => {
    expect(findClientRow(tcp6, { clientAddress: '::1', clientPort: 60318, serverAddress: '::1', serverPort: 39689 })?.inode).toBe('1688979');
    expect(findClientRow(tcp6, { clientAddress: '0:0:0:0:0:0:0:1', clientPort: 60318, serverAddress: '::0001', serverPort: 39689 })?.inode).toBe('1688979');
  });

  it('finds nothing for a connection whose address is not an IP address', () => {
    expect(findClientRow(tcp, { clientAddress: 'localhost', clientPort: 51246, serverAddress: '127.0.0.1', serverPort: 40747 })).toBeUndefined();
  });

  it('finds an IPv4 client of a dual-stack listener (seen as ::ffff:127.0.0.1) in the IPv4 table', () => {
    const connection = { clientAddress: '::ffff:127.0.0.1', clientPort: 47894, serverAddress: '::ffff:127.0.0.1', serverPort: 39689 };
    expect(findClientRow(tcp6, connection)).toBeUndefined();
    expect(findClientRow(tcp, connection)?.inode).toBe('1688980');
  });

  it('does not match a row whose port matches but whose address does not', () => {
    expect(findClientRow(tcp, { clientAddress: '127.0.0.2', clientPort: 51246, serverAddress: '127.0.0.1', serverPort: 40747 })).toBeUndefined();
  });
});
