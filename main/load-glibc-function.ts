// Binds a function of the process's glibc through koffi, for the memory settings of a
// long-running gateway (limit-malloc-arenas.ts, trim-malloc-when-idle.ts), with the structs its
// declaration names passed by value (mallinfo2's). Null where there is
// none to bind: not glibc (musl on Alpine has no libc.so.6), or koffi missing or without a binary.
import { loadKoffi, type NativeFunction } from './attribution/load-koffi.js';

const declaredStructs = new Set<string>();

export function loadGlibcFunction(declaration: string, structs: Record<string, Record<string, string>> = {}): NativeFunction | null {
  const ffi = loadKoffi();
  if (ffi === null) return null;
  try {
    // A struct is declared once per process: koffi refuses a second type of the same name.
    for (const [name, members] of Object.entries(structs)) {
      if (!declaredStructs.has(name)) {
        ffi.struct?.(name, members);
        declaredStructs.add(name);
      }
    }
    // libc.so.6 is glibc's soname.
    return ffi.load('libc.so.6').func(declaration);
  } catch {
    return null;
  }
}
