// Entries of the Host allowlist an operator writes (general_settings.allowed_hosts,
// SWITCHBOARD_ALLOWED_HOSTS): a host name or address, or an explicit `*.domain` wildcard that
// admits the domain's subdomains only. Pure; never admits a bare `*` or a wildcard over a TLD.
import { isUnspecifiedHost, normalizeHostName } from './host-name.js';

export const ALLOWED_HOST_RULE = 'must be a host name or IP address as clients write it in Host (e.g. "switchboard.lan", "192.168.1.5") or an explicit subdomain wildcard ("*.example.com"), without a port or scheme';

/** `entry` as the allowlist compares it (lower-case, IPv6 bracketed, `*.` kept), or undefined when it is not allowed. */
export function normalizeAllowedHost(entry: string): string | undefined {
  const trimmed = entry.trim();
  if (trimmed.startsWith('*.')) {
    const domain = normalizeHostName(trimmed.slice(2));
    // `*.com` would admit every name a DNS rebinding attacker registers; a wildcard needs a real domain.
    return domain !== undefined && !domain.startsWith('[') && domain.includes('.') && !/^[\d.]+$/.test(domain) ? `*.${domain}` : undefined;
  }
  if (isUnspecifiedHost(trimmed)) return undefined;
  return normalizeHostName(trimmed);
}

/** Whether a Host name (already normalized, no port) is one of `allowed`; `*.d` matches names ending in `.d`, never `d` itself. */
export function matchesAllowedHost(name: string, allowed: readonly string[]): boolean {
  return allowed.some((entry) => (entry.startsWith('*.') ? name.endsWith(entry.slice(1)) && name.length > entry.length - 1 : entry === name));
}
