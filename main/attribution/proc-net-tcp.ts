// Parses Linux's /proc/net/tcp and /proc/net/tcp6 tables (one socket per line) into rows with
// readable addresses, and finds the row of a loopback connection's client end. Pure: text in,
// rows out; never reads a file (linux-socket-owner.ts does) and never throws on a bad line.
// Addresses are in canonical-address.ts's one spelling, shared with the macOS and Windows tables.
import type { LoopbackConnection } from './caller-process.js';
import { canonicalAddress, ipv6AddressAt } from './canonical-address.js';

export interface ProcNetTcpRow {
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  /** The kernel's state code, e.g. 1 ESTABLISHED, 8 CLOSE_WAIT, 10 LISTEN. */
  state: number;
  uid: number;
  /** The socket's inode: `/proc/PID/fd/N` links to `socket:[inode]`. */
  inode: string;
}

const LISTEN = 0x0a;

/**
 * Rows of one table. Columns (net/ipv4/tcp_ipv4.c get_tcp4_sock): `sl local rem st tx:rx tr:when
 * retrnsmt uid timeout inode ...`; addresses are `HEX:PORT`, the port big-endian hex.
 */
export function parseProcNetTcp(text: string): ProcNetTcpRow[] {
  const rows: ProcNetTcpRow[] = [];
  const lines = text.split('\n');
  // Line 0 is the header.
  for (let i = 1; i < lines.length; i++) {
    const fields = lines[i]!.trim().split(/\s+/);
    if (fields.length < 10) continue;
    const local = parseEndpoint(fields[1]!);
    const remote = parseEndpoint(fields[2]!);
    const state = Number.parseInt(fields[3]!, 16);
    const uid = Number(fields[7]);
    const inode = fields[9]!;
    if (local === null || remote === null || !Number.isInteger(uid) || !/^\d+$/.test(inode)) continue;
    rows.push({ localAddress: local.address, localPort: local.port, remoteAddress: remote.address, remotePort: remote.port, state, uid, inode });
  }
  return rows;
}

/** `0100007F:1F90` -> 127.0.0.1:8080; a 32-digit address is IPv6, an IPv4-mapped one as IPv4. */
export function parseEndpoint(text: string): { address: string; port: number } | null {
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  const hex = text.slice(0, colon);
  const port = Number.parseInt(text.slice(colon + 1), 16);
  if (!/^[0-9A-Fa-f]{4}$/.test(text.slice(colon + 1))) return null;
  const address = parseProcAddress(hex);
  return address === null ? null : { address, port };
}

/**
 * The kernel prints each 32-bit word of the address as the host holds it in memory (`%08X` of a
 * network-order u32), so on little-endian machines (every machine Switchboard runs on: x86-64,
 * arm64) each word's bytes are reversed: `0100007F` is 127.0.0.1. IPv6 is four such words.
 */
export function parseProcAddress(hex: string): string | null {
  if (!/^[0-9A-Fa-f]+$/.test(hex)) return null;
  if (hex.length === 8) return wordBytes(hex).join('.');
  if (hex.length !== 32) return null;
  const bytes = new Uint8Array(16);
  for (let w = 0; w < 4; w++) bytes.set(wordBytes(hex.slice(w * 8, w * 8 + 8)), w * 4);
  return ipv6AddressAt(bytes, 0);
}

function wordBytes(word: string): number[] {
  // Little-endian word: the last two hex digits are the first byte on the wire.
  return [6, 4, 2, 0].map((at) => Number.parseInt(word.slice(at, at + 2), 16));
}

/**
 * The row of the client's own socket: its local end is the client's (address, port) and its
 * remote end the gateway's. The gateway's accepted socket is the mirror image and never matches;
 * listening sockets (remote port 0) never do either.
 */
export function findClientRow(rows: readonly ProcNetTcpRow[], connection: LoopbackConnection): ProcNetTcpRow | undefined {
  const client = canonicalAddress(connection.clientAddress);
  const server = canonicalAddress(connection.serverAddress);
  if (client === null || server === null) return undefined;
  for (const row of rows) {
    if (row.state === LISTEN) continue;
    if (row.localPort !== connection.clientPort || row.remotePort !== connection.serverPort) continue;
    if (row.localAddress === client && row.remoteAddress === server) return row;
  }
  return undefined;
}
