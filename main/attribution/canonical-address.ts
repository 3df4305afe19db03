// One text form per IP address, so the gateway's view of a connection (socket.remoteAddress,
// which may be `::ffff:127.0.0.1` on a dual-stack listener) and an OS table's bytes compare equal:
// IPv4 and IPv4-mapped IPv6 become dotted IPv4, other IPv6 the compressed lower-case form without
// a zone. Pure: no I/O, never throws (an address it cannot read is null).
import { SocketAddress, isIPv4, isIPv6 } from 'node:net';

const MAPPED_PREFIX = '::ffff:';

/** The canonical text of an address given as text, or null when it is not an IP address. */
export function canonicalAddress(text: string): string | null {
  if (isIPv4(text)) return text;
  // The two spellings a loopback socket reports (::1, and ::ffff:a.b.c.d from a dual-stack
  // listener), read without building a SocketAddress (~3 us): isLoopbackAddress runs this once
  // per connection.
  if (text === '::1') return text;
  if (text.startsWith(MAPPED_PREFIX) && isIPv4(text.slice(MAPPED_PREFIX.length))) return text.slice(MAPPED_PREFIX.length);
  const unzoned = text.split('%', 1)[0]!;
  if (!isIPv6(unzoned)) return null;
  // SocketAddress formats with inet_ntop: compressed, lower case, a mapped IPv4 as dotted quad.
  const formatted = new SocketAddress({ address: unzoned, family: 'ipv6' }).address;
  if (formatted.startsWith(MAPPED_PREFIX) && isIPv4(formatted.slice(MAPPED_PREFIX.length))) return formatted.slice(MAPPED_PREFIX.length);
  return formatted;
}

/** The canonical text of the 4 bytes at `offset` (network order), e.g. `127.0.0.1`. */
export function ipv4AddressAt(bytes: Uint8Array, offset: number): string {
  return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
}

/** The canonical text of the 16 bytes at `offset` (network order); an IPv4-mapped one is dotted IPv4. */
export function ipv6AddressAt(bytes: Uint8Array, offset: number): string {
  // The loopback forms (::1, ::, ::ffff:127.0.0.1) without building a SocketAddress: a table holds
  // hundreds of rows and the lookup parses them all for every connection.
  let zeros = 0;
  while (zeros < 10 && bytes[offset + zeros] === 0) zeros++;
  if (zeros === 10) {
    if (bytes[offset + 10] === 0xff && bytes[offset + 11] === 0xff) return ipv4AddressAt(bytes, offset + 12);
    if (bytes[offset + 10] === 0 && bytes[offset + 11] === 0 && bytes[offset + 12] === 0 && bytes[offset + 13] === 0 && bytes[offset + 14] === 0) {
      if (bytes[offset + 15] === 1) return '::1';
      if (bytes[offset + 15] === 0) return '::';
    }
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[offset + i]! << 8) | bytes[offset + i + 1]!).toString(16));
  return canonicalAddress(groups.join(':'))!;
}
