// The macOS lookup's pure half: `sysctl net.inet.tcp.pcblist_n` bytes walked record by record by
// their length fields (macOS 13+ and 10.15-12 layouts), IPv4, IPv6 and IPv4-mapped rows, ports in
// network byte order, and a truncated buffer, an unknown record kind or a record length of a
// layout this build does not know refused rather than misread; then the caller's end of a
// connection found, never the gateway's end, and only for the gateway's own uid when asked.
import { describe, expect, it } from 'vitest';
import type { LoopbackConnection } from '../../../main/attribution/caller-process.js';
import { findDarwinPcbOwner, parseDarwinPcbList } from '../../../main/attribution/darwin-pcblist.js';
import { INP_IPV4, INP_IPV6, TCPS_ESTABLISHED, TCPS_LISTEN, TCPS_TIME_WAIT, buildDarwinPcbList, type PcbSpec } from './fixtures/darwin-pcblist-builder.js';
import { darwinGoldenPcbList } from './fixtures/darwin-pcblist-golden.js';
import { hexBytes } from './fixtures/hex-bytes.js';

const GATEWAY = 4000;
const ME = 501;
// Ports 50001.. (0xc351..) read little-endian would be 20931..: a byte-order slip finds nothing.
const scene: PcbSpec[] = [
  { vflag: INP_IPV4, local: ['127.0.0.1', 4141], remote: ['0.0.0.0', 0], uid: ME, lastPid: GATEWAY, tcpState: TCPS_LISTEN },
  { vflag: INP_IPV4, local: ['127.0.0.1', 4141], remote: ['127.0.0.1', 50001], uid: ME, lastPid: GATEWAY },
  { vflag: INP_IPV4, local: ['127.0.0.1', 50001], remote: ['127.0.0.1', 4141], uid: ME, lastPid: 116770 },
  { vflag: INP_IPV6, local: ['::1', 50002], remote: ['::1', 4141], uid: ME, lastPid: 6000, effectivePid: 6001 },
  // An AF_INET6 socket connected to an IPv4 address: both flags, the address in the IPv4 slot.
  { vflag: INP_IPV4 | INP_IPV6, local: ['127.0.0.1', 50003], remote: ['127.0.0.1', 4141], uid: ME, lastPid: 6100 },
  // Another user's program.
  { vflag: INP_IPV4, local: ['127.0.0.1', 50004], remote: ['127.0.0.1', 4141], uid: 502, lastPid: 7000 },
  // A closed connection: its socket is gone (pid 0), the TCP record lingers.
  { vflag: INP_IPV4, local: ['127.0.0.1', 49999], remote: ['127.0.0.1', 4141], uid: 0, lastPid: 0, tcpState: TCPS_TIME_WAIT },
  // Neither IPv4 nor IPv6 in inp_vflag: skipped.
  { vflag: 0, local: ['127.0.0.1', 50005], remote: ['127.0.0.1', 4141], uid: ME, lastPid: 8000 },
  // IPv6 flag only, with an IPv4-mapped address in all 16 bytes.
  { vflag: INP_IPV6, local: ['::ffff:127.0.0.1', 50006], remote: ['::ffff:127.0.0.1', 4141], uid: ME, lastPid: 6200 },
  { vflag: INP_IPV6, local: ['fe80::1', 50007], remote: ['2001:db8::1', 443], uid: ME, lastPid: 9000 },
];

const connection = (clientPort: number, address = '127.0.0.1'): LoopbackConnection => ({ clientAddress: address, clientPort, serverAddress: address, serverPort: 4141 });

describe('parseDarwinPcbList', () => {
  it('reads the byte-by-byte golden buffer, and the fixture builder writes exactly those bytes', () => {
    expect(parseDarwinPcbList(darwinGoldenPcbList)).toEqual([
      { family: 'ipv4', localAddress: '127.0.0.1', localPort: 50001, remoteAddress: '127.0.0.1', remotePort: 4141, lastPid: 116770, effectivePid: 116770, uid: 501, tcpState: TCPS_ESTABLISHED },
    ]);
    const built = buildDarwinPcbList([{ vflag: INP_IPV4, local: ['127.0.0.1', 50001], remote: ['127.0.0.1', 4141], uid: 501, lastPid: 116770 }]);
    expect(Buffer.from(built).toString('hex')).toBe(Buffer.from(darwinGoldenPcbList).toString('hex'));
  });

  it('reads every connection of a macOS 13+ list: families, addresses, ports, pids, uids, TCP states', () => {
    const rows = parseDarwinPcbList(buildDarwinPcbList(scene));
    expect(rows.map((row) => [row.family, `${row.localAddress}:${row.localPort}`, `${row.remoteAddress}:${row.remotePort}`, row.lastPid, row.uid, row.tcpState])).toEqual([
      ['ipv4', '127.0.0.1:4141', '0.0.0.0:0', GATEWAY, ME, TCPS_LISTEN],
      ['ipv4', '127.0.0.1:4141', '127.0.0.1:50001', GATEWAY, ME, TCPS_ESTABLISHED],
      ['ipv4', '127.0.0.1:50001', '127.0.0.1:4141', 116770, ME, TCPS_ESTABLISHED],
      ['ipv6', '::1:50002', '::1:4141', 6000, ME, TCPS_ESTABLISHED],
      ['ipv4-mapped', '127.0.0.1:50003', '127.0.0.1:4141', 6100, ME, TCPS_ESTABLISHED],
      ['ipv4', '127.0.0.1:50004', '127.0.0.1:4141', 7000, 502, TCPS_ESTABLISHED],
      ['ipv4', '127.0.0.1:49999', '127.0.0.1:4141', 0, 0, TCPS_TIME_WAIT],
      ['ipv4-mapped', '127.0.0.1:50006', '127.0.0.1:4141', 6200, ME, TCPS_ESTABLISHED],
      ['ipv6', 'fe80::1:50007', '2001:db8::1:443', 9000, ME, TCPS_ESTABLISHED],
    ]);
    expect(rows[3]!.effectivePid).toBe(6001);
  });

  it('reads the macOS 10.15-12 layout (76-byte xsocket_n, records 24 bytes shorter) to the same rows', () => {
    const older = buildDarwinPcbList(scene, { xsocketBytes: 76 });
    expect(older.length).toBe(buildDarwinPcbList(scene).length - 24 * scene.length);
    expect(parseDarwinPcbList(older)).toEqual(parseDarwinPcbList(buildDarwinPcbList(scene)));
  });

  it('agrees with a fixed-stride reading (the Darwin-major stride other tools use: 408 or 384 bytes, plus 208 for TCP)', () => {
    // An independent reading of the same bytes: records at 24 + i * stride, fields at fixed offsets
    // (lport xinpcb+18, vflag +44, IPv4 laddr +76, so_last_pid at xsocket_n = xinpcb + 104, + 68).
    for (const [xsocketBytes, stride] of [[104, 408 + 208], [76, 384 + 208]] as const) {
      const bytes = buildDarwinPcbList(scene, { xsocketBytes });
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const fixed: Array<[number, number]> = [];
      for (let at = 24; at + stride <= bytes.length; at += stride) {
        if (bytes[at + 44]! & INP_IPV4) fixed.push([view.getUint16(at + 18, false), view.getInt32(at + 104 + 68, true)]);
      }
      const walked = parseDarwinPcbList(bytes).filter((row) => row.family !== 'ipv6' && !(row.family === 'ipv4-mapped' && row.localPort === 50006));
      expect(walked.map((row) => [row.localPort, row.lastPid])).toEqual(fixed);
    }
  });

  it('reads a list without TCP records (the UDP list\'s shape): no state', () => {
    const rows = parseDarwinPcbList(buildDarwinPcbList(scene.slice(0, 3), { tcp: false }));
    expect(rows.map((row) => [row.localPort, row.lastPid, row.tcpState])).toEqual([[4141, GATEWAY, undefined], [4141, GATEWAY, undefined], [50001, 116770, undefined]]);
  });

  it('reads an empty list: the header alone (as the kernel writes it for no connections) or with a closing xinpgen', () => {
    expect(buildDarwinPcbList([]).length).toBe(24);
    expect(parseDarwinPcbList(buildDarwinPcbList([]))).toEqual([]);
    expect(parseDarwinPcbList(buildDarwinPcbList([], { trailer: true }))).toEqual([]);
    // A header that counts connections but is followed by nothing is a truncated buffer.
    expect(() => parseDarwinPcbList(hexBytes('18 00 00 00 01 00 00 00 00*16'))).toThrow(/no closing xinpgen/);
  });

  it('reads a buffer that does not start at the beginning of its ArrayBuffer', () => {
    const list = buildDarwinPcbList(scene);
    const shifted = new Uint8Array(list.length + 4);
    shifted.set(list, 4);
    expect(parseDarwinPcbList(shifted.subarray(4))).toEqual(parseDarwinPcbList(list));
  });

  it('refuses a truncated buffer: inside a record, at a record boundary without the closing xinpgen, inside the header', () => {
    const list = buildDarwinPcbList(scene);
    expect(() => parseDarwinPcbList(list.subarray(0, 24 + 616 + 50))).toThrow(/truncated: a 104-byte record at byte 640 of 690/);
    expect(() => parseDarwinPcbList(buildDarwinPcbList(scene, { trailer: false }))).toThrow(/no closing xinpgen/);
    expect(() => parseDarwinPcbList(list.subarray(0, list.length - 10))).toThrow(/truncated in the closing xinpgen/);
    expect(() => parseDarwinPcbList(list.subarray(0, 20))).toThrow(/no xinpgen/);
  });

  it('refuses a layout it does not know (a future macOS) instead of reading fields at the wrong offsets', () => {
    expect(() => parseDarwinPcbList(buildDarwinPcbList(scene, { xsocketBytes: 112 }))).toThrow(/layout not known: xsocket_n is 112 bytes, expected one of 76, 104/);
    expect(() => parseDarwinPcbList(buildDarwinPcbList(scene, { xinpcbBytes: 112 }))).toThrow(/layout not known: xinpcb_n is 112 bytes/);
    const header = buildDarwinPcbList(scene);
    new DataView(header.buffer).setUint32(0, 32, true);
    expect(() => parseDarwinPcbList(header)).toThrow(/layout not known: xinpgen is 32 bytes/);
    const tcp = buildDarwinPcbList(scene.slice(0, 1));
    new DataView(tcp.buffer).setUint32(24 + 104 + 104 + 32 + 32 + 136, 212, true);
    expect(() => parseDarwinPcbList(tcp)).toThrow(/layout not known: xtcpcb_n is 212 bytes/);
  });

  it('refuses a record of an unknown kind, a record shorter than its own header, and records out of order', () => {
    const kind = buildDarwinPcbList(scene.slice(0, 2));
    new DataView(kind.buffer).setUint32(24 + 104 + 4, 0x400, true);
    expect(() => parseDarwinPcbList(kind)).toThrow(/record kind 0x400 \(104 bytes\) at byte 128/);
    const zero = buildDarwinPcbList(scene.slice(0, 2));
    new DataView(zero.buffer).setUint32(24 + 104, 0, true);
    expect(() => parseDarwinPcbList(zero)).toThrow(/a record of 0 bytes at byte 128/);
    // An xsocket_n straight after the header, with no xinpcb_n before it.
    const orphan = hexBytes(`18 00 00 00 00*20   68 00 00 00 01 00 00 00 00*96   18 00 00 00 00*20`);
    expect(() => parseDarwinPcbList(orphan)).toThrow(/xsocket_n at byte 24 before any xinpcb_n/);
  });
});

describe('findDarwinPcbOwner', () => {
  const rows = parseDarwinPcbList(buildDarwinPcbList(scene));

  it('finds the caller by its address and port, never the gateway\'s own end', () => {
    expect(findDarwinPcbOwner(rows, connection(50001))).toEqual({ pid: 116770, uid: ME });
    expect(findDarwinPcbOwner(rows, connection(50001), { uid: ME })).toEqual({ pid: 116770, uid: ME });
  });

  it('finds an IPv6 caller and IPv4-mapped ones, however the gateway writes the address', () => {
    expect(findDarwinPcbOwner(rows, connection(50002, '::1'))?.pid).toBe(6000);
    expect(findDarwinPcbOwner(rows, connection(50003))?.pid).toBe(6100);
    expect(findDarwinPcbOwner(rows, connection(50003, '::ffff:127.0.0.1'))?.pid).toBe(6100);
    expect(findDarwinPcbOwner(rows, connection(50006, '::ffff:127.0.0.1'))?.pid).toBe(6200);
  });

  it('resolves another user\'s program only when no uid is asked for', () => {
    expect(findDarwinPcbOwner(rows, connection(50004))).toEqual({ pid: 7000, uid: 502 });
    expect(findDarwinPcbOwner(rows, connection(50004), { uid: ME })).toBeNull();
  });

  it('finds nobody for a closed connection, a skipped row, a byte-swapped port, a wrong address or a non-IP address', () => {
    expect(findDarwinPcbOwner(rows, connection(49999))).toBeNull();
    expect(findDarwinPcbOwner(rows, connection(50005))).toBeNull();
    expect(findDarwinPcbOwner(rows, connection(0x51c3))).toBeNull();
    expect(findDarwinPcbOwner(rows, connection(50001, '127.0.0.2'))).toBeNull();
    expect(findDarwinPcbOwner(rows, connection(50001, 'localhost'))).toBeNull();
  });
});
