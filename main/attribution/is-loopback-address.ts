// Whether a socket's peer address is this machine's loopback: 127.0.0.0/8, ::1, or an IPv4-mapped
// 127.x (`::ffff:127.0.0.1`, what a dual-stack listener reports). Only such peers are looked up.

export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const lower = address.toLowerCase();
  if (lower === '::1' || lower === '0:0:0:0:0:0:0:1') return true;
  const v4 = lower.startsWith('::ffff:') ? lower.slice(7) : lower;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}
