// DATA_DIR/gateway.json: where a running `serve` can be reached (its URL, as this machine
// reaches it, and its pid), so `status`, `keys`, `logs`... find it without being told its port.
// Written owner-only when serve is ready, removed at shutdown; holds no key and no config.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const RUNTIME_FILE = 'gateway.json';

export interface GatewayRuntime {
  url: string;
  pid: number;
  version: string;
  startedAt: string;
}

export function writeRuntimeFile(dataDir: string, runtime: GatewayRuntime): void {
  const file = join(dataDir, RUNTIME_FILE);
  // Renamed into place: a reader never sees half a file.
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, `${JSON.stringify(runtime)}\n`, { mode: 0o600 });
  renameSync(partial, file);
}

/** The file's content, or undefined when there is none or it is not one of ours. */
export function readRuntimeFile(dataDir: string): GatewayRuntime | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(join(dataDir, RUNTIME_FILE), 'utf8'));
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const r = parsed as Record<string, unknown>;
  if (typeof r.url !== 'string' || !/^http:\/\//.test(r.url) || !Number.isInteger(r.pid)) return undefined;
  return { url: r.url, pid: r.pid as number, version: typeof r.version === 'string' ? r.version : '', startedAt: typeof r.startedAt === 'string' ? r.startedAt : '' };
}

/** Removes the file only while it still names `pid`: a newer serve on the same folder keeps its own. */
export function removeRuntimeFile(dataDir: string, pid: number): void {
  if (readRuntimeFile(dataDir)?.pid === pid) rmSync(join(dataDir, RUNTIME_FILE), { force: true });
}
