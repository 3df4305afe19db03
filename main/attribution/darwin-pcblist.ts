// Reads the bytes of macOS's `sysctl net.inet.tcp.pcblist_n` into connection rows and finds the
// pid owning the caller's end of a gateway connection. Pure: no I/O, no koffi. The format is
// private to xnu, so every record's length is checked against the layouts read from xnu's headers
// and a buffer in any other layout (a future macOS) is refused with an error, never misread.
import type { LoopbackConnection } from './caller-process.js';
import { ipv4AddressAt, ipv6AddressAt } from './canonical-address.js';
import { clientEndOf, type TcpEndpoints } from './client-end-of.js';

// The buffer (xnu bsd/netinet/in_pcblist.c, get_pcblist_n): a struct xinpgen; per connection the
// records xinpcb_n, xsocket_n, xsockbuf_n (receive), xsockbuf_n (send), xsockstat_n and, for
// TCP, xtcpcb_n, each starting with { u_int32_t len; u_int32_t kind; } and placed at the next
// 8-byte boundary (ADVANCE64); then a closing struct xinpgen (none when xig_count is 0). User-space (Skywalk) flows follow
// the kernel's in the same records. All structs are #pragma pack(4), integers in host byte order
// (little-endian on every Mac: x86_64 and arm64), ports and addresses in network byte order.
const XSO_SOCKET = 0x001;
const XSO_RCVBUF = 0x002;
const XSO_SNDBUF = 0x004;
const XSO_STATS = 0x008;
const XSO_INPCB = 0x010;
const XSO_TCPCB = 0x020;

/** sizeof(struct xinpgen): { xig_len, xig_count, u64 xig_gen, u64 xig_sogen }. No XSO record has this length. */
const XINPGEN_BYTES = 24;

/**
 * sizeof(struct xinpcb_n), the same from xnu-6153 (macOS 10.15) to xnu-11417 (macOS 15.4). Read:
 * inp_fport @16 and inp_lport @18 (u16, network order), inp_vflag @44, inp_dependfaddr @48 and
 * inp_dependladdr @64 (16-byte unions; an IPv4 address sits in their last 4 bytes, in_addr_4in6).
 */
const XINPCB_N_BYTES = 104;

/**
 * sizeof(struct xsocket_n): 76 from xnu-6153 to xnu-8020 (macOS 10.15 to 12); 104 from xnu-8792
 * (macOS 13, Darwin 22) on, which appended so_gencnt..xso_filter_flags after so_e_pid. Read, at
 * the same offsets in both: so_uid @64, so_last_pid @68, so_e_pid @72.
 */
const XSOCKET_N_BYTES: readonly number[] = [76, 104];

/** sizeof(struct xtcpcb_n), unchanged over the same releases. Read: t_state @36. */
const XTCPCB_N_BYTES = 204;

const INP_IPV4 = 0x1;
const INP_IPV6 = 0x2;
const INP_V4MAPPEDV6 = 0x4;

/** TCPS_ESTABLISHED .. TCPS_FIN_WAIT_2 (tcp_fsm.h): the states in which a socket still has its owner. */
const TCPS_ESTABLISHED = 4;
const TCPS_FIN_WAIT_2 = 9;

/** One connection of the table; addresses in canonicalAddress() form. */
export interface DarwinPcbRow extends TcpEndpoints {
  /** 'ipv4-mapped': an IPv6 socket talking IPv4 (inp_vflag INP_IPV4 with INP_IPV6 or INP_V4MAPPEDV6). */
  family: 'ipv4' | 'ipv6' | 'ipv4-mapped';
  /** xsocket_n.so_last_pid: the process that last used the socket (0 when the socket is gone). */
  lastPid: number;
  /** xsocket_n.so_e_pid: the process the socket acts for when delegated (NSURLSession daemons), else its owner. */
  effectivePid: number;
  /** xsocket_n.so_uid: the uid of the credential that opened the socket. */
  uid: number;
  /** xtcpcb_n.t_state (TCPS_*), when the connection has its TCP record. */
  tcpState?: number;
}

const roundUp8 = (n: number) => (n + 7) & ~7;

/**
 * The connections in a `net.inet.tcp.pcblist_n` buffer. Throws when the buffer is truncated or
 * malformed, or when a record has a length this build does not know (a macOS whose layout
 * changed): callers treat that as "cannot tell", never as a different answer.
 */
export function parseDarwinPcbList(bytes: Uint8Array): DarwinPcbRow[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < XINPGEN_BYTES) throw new Error(`pcblist_n truncated: ${bytes.length} bytes, no xinpgen`);
  const headerLength = view.getUint32(0, true);
  if (headerLength !== XINPGEN_BYTES) throw new Error(`pcblist_n layout not known: xinpgen is ${headerLength} bytes, expected ${XINPGEN_BYTES}`);
  // With no connections the kernel stops after the header: no records, no closing xinpgen.
  if (bytes.length === XINPGEN_BYTES && view.getUint32(4, true) === 0) return [];

  const rows: DarwinPcbRow[] = [];
  // The connection being read: undefined before the first xinpcb_n, null for one that is skipped
  // (neither IPv4 nor IPv6), kept only once its xsocket_n (the pid) has been read.
  let row: DarwinPcbRow | null | undefined;
  let hasSocket = false;
  const finish = () => {
    if (row && hasSocket) rows.push(row);
    hasSocket = false;
  };

  let offset = XINPGEN_BYTES;
  for (;;) {
    if (offset + 8 > bytes.length) throw new Error(`pcblist_n truncated at byte ${offset}: no closing xinpgen`);
    const length = view.getUint32(offset, true);
    const kind = view.getUint32(offset + 4, true);
    if (length === XINPGEN_BYTES) {
      // The closing xinpgen: its second word is a count, not a kind, so the length alone names it.
      if (offset + XINPGEN_BYTES > bytes.length) throw new Error(`pcblist_n truncated in the closing xinpgen at byte ${offset}`);
      finish();
      return rows;
    }
    if (length < 8) throw new Error(`pcblist_n malformed: a record of ${length} bytes at byte ${offset}`);
    if (offset + length > bytes.length) throw new Error(`pcblist_n truncated: a ${length}-byte record at byte ${offset} of ${bytes.length}`);
    switch (kind) {
      case XSO_INPCB: {
        if (length !== XINPCB_N_BYTES) throw new Error(`pcblist_n layout not known: xinpcb_n is ${length} bytes, expected ${XINPCB_N_BYTES}`);
        finish();
        row = readInpcb(bytes, view, offset);
        break;
      }
      case XSO_SOCKET: {
        if (!XSOCKET_N_BYTES.includes(length)) throw new Error(`pcblist_n layout not known: xsocket_n is ${length} bytes, expected one of ${XSOCKET_N_BYTES.join(', ')}`);
        if (row === undefined) throw new Error(`pcblist_n malformed: xsocket_n at byte ${offset} before any xinpcb_n`);
        if (row === null) break;
        row.uid = view.getUint32(offset + 64, true);
        row.lastPid = view.getInt32(offset + 68, true);
        row.effectivePid = view.getInt32(offset + 72, true);
        hasSocket = true;
        break;
      }
      case XSO_TCPCB: {
        if (length !== XTCPCB_N_BYTES) throw new Error(`pcblist_n layout not known: xtcpcb_n is ${length} bytes, expected ${XTCPCB_N_BYTES}`);
        if (row === undefined) throw new Error(`pcblist_n malformed: xtcpcb_n at byte ${offset} before any xinpcb_n`);
        if (row !== null) row.tcpState = view.getInt32(offset + 36, true);
        break;
      }
      case XSO_RCVBUF:
      case XSO_SNDBUF:
      case XSO_STATS:
        break; // Not needed; skipped by their own length, whatever it is.
      default:
        throw new Error(`pcblist_n malformed: record kind 0x${kind.toString(16)} (${length} bytes) at byte ${offset}`);
    }
    offset += roundUp8(length);
  }
}

/** The xinpcb_n at `at`, or null when inp_vflag names neither IPv4 nor IPv6. */
function readInpcb(bytes: Uint8Array, view: DataView, at: number): DarwinPcbRow | null {
  const vflag = bytes[at + 44]!;
  let family: DarwinPcbRow['family'];
  let localAddress: string;
  let remoteAddress: string;
  if (vflag & INP_IPV4) {
    // in_addr_4in6: 12 bytes of padding, then the IPv4 address.
    family = vflag & (INP_IPV6 | INP_V4MAPPEDV6) ? 'ipv4-mapped' : 'ipv4';
    remoteAddress = ipv4AddressAt(bytes, at + 48 + 12);
    localAddress = ipv4AddressAt(bytes, at + 64 + 12);
  } else if (vflag & INP_IPV6) {
    remoteAddress = ipv6AddressAt(bytes, at + 48);
    localAddress = ipv6AddressAt(bytes, at + 64);
    family = localAddress.includes(':') ? 'ipv6' : 'ipv4-mapped';
  } else {
    return null;
  }
  return {
    family,
    localAddress,
    localPort: view.getUint16(at + 18, false),
    remoteAddress,
    remotePort: view.getUint16(at + 16, false),
    lastPid: 0,
    effectivePid: 0,
    uid: -1,
  };
}

/** What findDarwinPcbOwner found: the pid, and the uid the socket was opened with. */
export interface DarwinPcbOwner {
  pid: number;
  uid: number;
}

/**
 * The process owning the caller's end of `connection`: the row whose local address and port are
 * the caller's and whose remote end is the gateway's, with a live socket. With `uid`, a socket
 * opened by another user is not resolved (null): only the gateway's own user's programs are named.
 */
export function findDarwinPcbOwner(rows: readonly DarwinPcbRow[], connection: LoopbackConnection, options: { uid?: number } = {}): DarwinPcbOwner | null {
  const isClientEnd = clientEndOf(connection);
  if (isClientEnd === null) return null;
  for (const row of rows) {
    if (row.lastPid <= 0 || !isClientEnd(row)) continue;
    if (row.tcpState !== undefined && (row.tcpState < TCPS_ESTABLISHED || row.tcpState > TCPS_FIN_WAIT_2)) continue;
    if (options.uid !== undefined && row.uid !== options.uid) return null;
    return { pid: row.lastPid, uid: row.uid };
  }
  return null;
}
