// Loads koffi, the FFI through which the macOS and Windows socket-owner lookups call the OS, the
// first time one of them runs on its own platform: never at import, never for the Linux lookup
// (plain JS over /proc). On Linux the gateway's start loads it to call glibc's mallopt and
// malloc_trim (load-glibc-function.ts) and needs it for nothing else. koffi is an optional dependency
// with prebuilt binaries per platform; where it is missing this answers null and the lookups
// answer null (the app is then named from the User-Agent). Only this file names the package.
import { createRequire } from 'node:module';

/** A C function bound by koffi: numbers, strings, Buffers, null and one-element arrays (in/out) in. */
export type NativeFunction = (...args: unknown[]) => unknown;

/** A loaded shared library: functions are bound from C-like declarations. */
export interface NativeLibrary {
  func(declaration: string): NativeFunction;
}

/** The slice of koffi the lookups use, so tests can pass a fake. */
export interface Ffi {
  load(path: string): NativeLibrary;
  /** errno as the last bound call left it (koffi saves it right after the call). */
  errno(): number;
  /** Declares a C struct by name, for declarations that pass or return it by value (glibc's mallinfo2). */
  struct?(name: string, members: Record<string, string>): unknown;
}

let loaded: Ffi | null | undefined;

/** koffi, or null where it is not installed or has no binary for this platform. Cached. */
export function loadKoffi(): Ffi | null {
  if (loaded === undefined) {
    try {
      // createRequire, not import: the bundler must leave it out and nothing loads it before here.
      loaded = createRequire(import.meta.url)('koffi') as Ffi;
    } catch {
      loaded = null;
    }
  }
  return loaded;
}
