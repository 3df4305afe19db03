// The Host names LAN mode accepts besides the loopback ones: bound to 0.0.0.0 or ::, every
// non-internal interface address of this machine (read when asked, so a new DHCP lease counts);
// bound to one address, that address; plus general_settings.allowed_hosts. Bound to loopback:
// none. Never adds the unspecified address itself (Host 0.0.0.0 names no machine: "0.0.0.0 Day").
import type { NetworkInterfaceInfo } from 'node:os';
import { isLoopbackHost, isUnspecifiedHost, normalizeHostName } from '../core/host-name.js';

export type NetworkInterfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

export function lanHostNames(bindHost: string, interfaces: NetworkInterfaces, allowedHosts: readonly string[]): string[] {
  if (isLoopbackHost(bindHost)) return [];
  const addresses = isUnspecifiedHost(bindHost)
    ? Object.values(interfaces).flatMap((list) => (list ?? []).filter((info) => !info.internal).map((info) => info.address))
    : [bindHost];
  const names = addresses.map((address) => normalizeHostName(address)).filter((name): name is string => name !== undefined);
  return [...new Set([...names, ...allowedHosts])];
}
