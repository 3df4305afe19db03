// Where the gateway a command talks to should be: the port given (--port, SWITCHBOARD_PORT) on
// --host, else the address a live serve left in the data dir, else the default 127.0.0.1:4141.
// Says nothing about whether it answers; gateway-client.ts finds that out.
import { readRuntimeFile } from './runtime-file.js';
import type { GatewayLocation } from './parse-client-args.js';

export const DEFAULT_PORT = 4141;

export interface GatewayTarget {
  url: string;
  /** The serve process, when its runtime file named it. */
  pid: number | undefined;
  /** The serve flags that would start a gateway here (`--port 5000`), for the "not running" line. */
  startFlags: string;
}

export function locateGateway(location: GatewayLocation, isAlive: (pid: number) => boolean = processIsAlive): GatewayTarget {
  const startFlags = [...(location.port === undefined ? [] : [`--port ${location.port}`]), ...(location.configFile === undefined ? [] : [`--config ${location.configFile}`])].join(' ');
  if (location.port !== undefined) return { url: `http://${reachableHost(location.host)}:${location.port}`, pid: undefined, startFlags };
  const runtime = readRuntimeFile(location.dataDir);
  // A file left by a serve that was killed (-9) names a dead pid: fall back to the default.
  if (runtime !== undefined && isAlive(runtime.pid)) return { url: runtime.url, pid: runtime.pid, startFlags };
  return { url: `http://${reachableHost(location.host)}:${DEFAULT_PORT}`, pid: undefined, startFlags };
}

/** A bind address for every interface is reached on loopback from this machine. */
export function reachableHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '[::1]';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is just not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
