// Host names as the Host allowlist compares them: lower-case, IPv6 addresses in brackets, never a
// port, a path or a wildcard; and which bind addresses stay on this machine. Pure: no lookups.
import { isIPv4, isIPv6 } from 'node:net';

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** `name` as a Host header names it (lower-case, IPv6 bracketed), or undefined when it is not a host name or address. */
export function normalizeHostName(name: string): string | undefined {
  const lower = name.trim().toLowerCase();
  const bare = lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower;
  if (isIPv6(bare)) return bare.includes('%') ? undefined : `[${bare}]`;
  if (lower !== bare) return undefined;
  if (isIPv4(lower)) return lower;
  if (lower.length === 0 || lower.length > 253) return undefined;
  return lower.split('.').every((label) => LABEL.test(label)) && !/^[\d.]+$/.test(lower) ? lower : undefined;
}

/** 127.0.0.0/8, ::1 and localhost: a server bound there is reachable from this machine only. */
export function isLoopbackHost(host: string): boolean {
  const name = normalizeHostName(host);
  return name === 'localhost' || name === '[::1]' || (name !== undefined && /^127\.\d+\.\d+\.\d+$/.test(name));
}

/** 0.0.0.0 and :: bind every interface; as a Host they name no machine. */
export function isUnspecifiedHost(host: string): boolean {
  const name = normalizeHostName(host);
  return name === '0.0.0.0' || name === '[::]';
}
