// Preloaded into a gateway under test (--import): on SIGUSR2 glibc lists its malloc arenas on
// stderr (malloc_stats(): one "Arena N:" block each, then "Total (incl. mmap):"). Linux/glibc with
// koffi only. Loaded as an ES module on purpose: a --require'd preload that loads koffi runs before
// Node's module loader starts, and the threads that start after it then took arenas of their own,
// so the count measured the preload.
import { createRequire } from 'node:module';

const mallocStats = createRequire(import.meta.url)('koffi').load('libc.so.6').func('void malloc_stats(void)');
// In a worker thread (which inherits the preload) no signal ever arrives: the listener is inert there.
process.on('SIGUSR2', () => mallocStats());
