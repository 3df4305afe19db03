// Reads the bytes GetExtendedTcpTable writes for TCP_TABLE_OWNER_PID_ALL (iphlpapi.h,
// tcpmib.h): MIB_TCPTABLE_OWNER_PID for AF_INET, MIB_TCP6TABLE_OWNER_PID for AF_INET6, and finds
// the pid owning the caller's end of a gateway connection. Pure: no I/O, no koffi; a table whose
// length disagrees with its row count is refused with an error rather than read past or guessed.
import type { LoopbackConnection } from './caller-process.js';
import { canonicalAddress, ipv4AddressAt, ipv6AddressAt } from './canonical-address.js';
import { clientEndOf, type TcpEndpoints } from './client-end-of.js';

/** MIB_TCP_STATE_ESTAB: only a live connection names its caller (a TIME_WAIT row has pid 0). */
export const MIB_TCP_STATE_ESTAB = 5;

/** One row of either table; addresses in canonicalAddress() form. */
export interface Win32TcpRow extends TcpEndpoints {
  family: 'ipv4' | 'ipv6';
  /** MIB_TCP_STATE: 2 LISTEN, 5 ESTABLISHED, 11 TIME_WAIT, ... */
  state: number;
  pid: number;
}

// Row layouts (all DWORDs little-endian, naturally aligned, so no padding):
// MIB_TCPROW_OWNER_PID   { dwState, dwLocalAddr, dwLocalPort, dwRemoteAddr, dwRemotePort, dwOwningPid }
// MIB_TCP6ROW_OWNER_PID  { ucLocalAddr[16], dwLocalScopeId, dwLocalPort, ucRemoteAddr[16],
//                          dwRemoteScopeId, dwRemotePort, dwState, dwOwningPid }
// Both tables are { DWORD dwNumEntries; ROW table[]; } with the rows at offset 4.
const IPV4_ROW_BYTES = 24;
const IPV6_ROW_BYTES = 56;
const HEADER_BYTES = 4;

/**
 * The rows of a MIB_TCPTABLE_OWNER_PID (`family` 'ipv4') or MIB_TCP6TABLE_OWNER_PID ('ipv6').
 * `bytes` is the buffer as filled, cut to the size GetExtendedTcpTable reported (a longer buffer is
 * fine: bytes past the last row are ignored). Throws on a buffer too short for its row count.
 */
export function parseWin32TcpTable(bytes: Uint8Array, family: 'ipv4' | 'ipv6'): Win32TcpRow[] {
  if (bytes.length < HEADER_BYTES) throw new Error(`TCP table truncated: ${bytes.length} bytes, no row count`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(0, true);
  const rowBytes = family === 'ipv4' ? IPV4_ROW_BYTES : IPV6_ROW_BYTES;
  if (count > (bytes.length - HEADER_BYTES) / rowBytes) {
    throw new Error(`TCP table truncated: ${count} rows of ${rowBytes} bytes need ${HEADER_BYTES + count * rowBytes}, have ${bytes.length}`);
  }
  const rows: Win32TcpRow[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const at = HEADER_BYTES + i * rowBytes;
    // A port is a DWORD whose low 16 bits hold the port in network byte order: in memory, the
    // first two bytes big-endian (ntohs((u_short)dwLocalPort)); the upper two bytes are not the port.
    rows[i] = family === 'ipv4'
      ? {
          family,
          state: view.getUint32(at, true),
          localAddress: ipv4AddressAt(bytes, at + 4),
          localPort: view.getUint16(at + 8, false),
          remoteAddress: ipv4AddressAt(bytes, at + 12),
          remotePort: view.getUint16(at + 16, false),
          pid: view.getUint32(at + 20, true),
        }
      : {
          family,
          localAddress: ipv6AddressAt(bytes, at),
          localPort: view.getUint16(at + 20, false),
          remoteAddress: ipv6AddressAt(bytes, at + 24),
          remotePort: view.getUint16(at + 44, false),
          state: view.getUint32(at + 48, true),
          pid: view.getUint32(at + 52, true),
        };
  }
  return rows;
}

/**
 * The pid owning the caller's end of `connection` among `rows`: an ESTABLISHED row whose local
 * address and port are the caller's and whose remote end is the gateway's. Null when none (or the
 * only match has pid 0, the System Idle pseudo-process Windows reports for orphaned rows).
 */
export function findWin32TcpOwnerPid(rows: readonly Win32TcpRow[], connection: LoopbackConnection): number | null {
  const isClientEnd = clientEndOf(connection);
  if (isClientEnd === null) return null;
  for (const row of rows) {
    if (row.state === MIB_TCP_STATE_ESTAB && row.pid > 0 && isClientEnd(row)) return row.pid;
  }
  return null;
}

/** Which table holds the caller's end: AF_INET for an IPv4 (or IPv4-mapped) caller, else AF_INET6. */
export function win32TableFamilies(connection: LoopbackConnection): ReadonlyArray<'ipv4' | 'ipv6'> {
  const client = canonicalAddress(connection.clientAddress);
  if (client === null) return [];
  // A dual-stack client socket talking IPv4 may be listed in the IPv6 table as ::ffff:a.b.c.d, so
  // an IPv4 caller not found in AF_INET is looked for in AF_INET6 too.
  return client.includes(':') ? ['ipv6'] : ['ipv4', 'ipv6'];
}
