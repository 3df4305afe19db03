// Whether a socket's peer address is this machine's loopback: 127.0.0.0/8, ::1, or an IPv4-mapped
// 127.x (`::ffff:127.0.0.1`, what a dual-stack listener reports). Only such peers are looked up.
// Reads the address through canonicalAddress, the one parser the OS tables' addresses go through
// too, so "loopback" here and a table row's address never disagree on a spelling.
import { canonicalAddress } from './canonical-address.js';

export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const canonical = canonicalAddress(address);
  if (canonical === null) return false;
  // canonicalAddress gives IPv4 (and mapped IPv4) as a dotted quad, so a 127. prefix is 127.0.0.0/8.
  return canonical === '::1' || canonical.startsWith('127.');
}
