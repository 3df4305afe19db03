// Integrity-check requests: a marker file beside the database (`<file>.check`) that makes the
// next openDatabase run a full PRAGMA quick_check. Written when a write meets SQLITE_CORRUPT at
// runtime, so a damaged file is found and moved aside at the next start instead of failing forever.
import { existsSync, rmSync, writeFileSync } from 'node:fs';

export function integrityCheckMarker(file: string): string {
  return `${file}.check`;
}

/** Never throws: it runs on an error path, and a missing marker only costs the check. */
export function requestIntegrityCheck(file: string): void {
  try {
    writeFileSync(integrityCheckMarker(file), `integrity check requested ${new Date().toISOString()}\n`);
  } catch {
    // Read-only folder: the next open's cheap checks still run.
  }
}

export function integrityCheckRequested(file: string): boolean {
  return existsSync(integrityCheckMarker(file));
}

export function clearIntegrityCheckRequest(file: string): void {
  rmSync(integrityCheckMarker(file), { force: true });
}
