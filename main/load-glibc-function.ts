// Binds a function of the process's glibc through koffi, for the memory settings of a
// long-running gateway (limit-malloc-arenas.ts, trim-malloc-when-idle.ts). Null where there is
// none to bind: not glibc (musl on Alpine has no libc.so.6), or koffi missing or without a binary.
import { loadKoffi, type NativeFunction } from './attribution/load-koffi.js';

export function loadGlibcFunction(declaration: string): NativeFunction | null {
  const ffi = loadKoffi();
  if (ffi === null) return null;
  try {
    // libc.so.6 is glibc's soname.
    return ffi.load('libc.so.6').func(declaration);
  } catch {
    return null;
  }
}
