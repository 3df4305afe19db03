// A zstd decoder as a Node stream (Node 20's zlib has no zstd), on libzstd through zstd-napi's
// low-level binding. It never decodes ahead of its reader: one 4-byte zstd block expands to
// 128 KiB, so one network chunk can hold gigabytes, and zstd-napi's own DecompressStream decodes
// a whole chunk at once. It never allocates a window over 8 MiB for a frame that asks for one.
import { Duplex } from 'node:stream';
import { createRequire } from 'node:module';
import type * as ZstdBinding from 'zstd-napi/binding.js';

/**
 * 2^23 = 8 MiB: what the zstd format asks every decoder to support, and the largest window any
 * non-"ultra" level (1-19) writes; libzstd's default (2^27) would let a 20-byte frame header
 * make us allocate 128 MiB. A frame asking for more is refused, not decoded.
 */
export const ZSTD_WINDOW_LOG_MAX = 23;

let binding: typeof ZstdBinding | undefined;

/** Loaded on the first zstd body, not at start: the native module is off the startup path. */
function zstdBinding(): typeof ZstdBinding {
  binding ??= createRequire(import.meta.url)('zstd-napi/binding.js') as typeof ZstdBinding;
  return binding;
}

export function createZstdDecoder(): Duplex {
  const zstd = zstdBinding();
  const dctx = new zstd.DCtx();
  dctx.setParameter(zstd.DParameter.windowLogMax, ZSTD_WINDOW_LOG_MAX);
  const out = Buffer.allocUnsafe(zstd.dStreamOutSize());
  // The written chunk not yet fully decoded, and the write's callback, held until it is: the
  // writable side then buffers no more than its high-water mark.
  let input: Buffer | undefined;
  let written: ((error?: Error | null) => void) | undefined;
  // libzstd's hint is 0 only at a frame boundary: input that ends elsewhere was cut short.
  let inFrame = false;

  const decoder: Duplex = new Duplex({
    write(chunk: Buffer, _encoding, callback) {
      input = chunk;
      written = callback;
      decode();
    },
    // Runs once every write's callback ran, so all output has been pushed.
    final(callback) {
      if (inFrame) return callback(new Error('the zstd data ends in the middle of a frame'));
      decoder.push(null);
      callback();
    },
    read() {
      if (input !== undefined) decode();
    },
    destroy(error, callback) {
      input = undefined;
      written = undefined;
      callback(error);
    },
  });

  function decode(): void {
    while (input !== undefined) {
      let produced: number;
      let consumed: number;
      try {
        let hint: number;
        [hint, produced, consumed] = dctx.decompressStream(out, input);
        // A call that moved nothing (the flush check after a full buffer) says nothing about
        // the frame: at a boundary it already expects the next frame's header.
        if (produced > 0 || consumed > 0) inFrame = hint !== 0;
      } catch (error) {
        return finishWrite(error as Error);
      }
      // A full output buffer may leave more to flush even when all input was read.
      const more = consumed < input.length || produced === out.length;
      input = more ? input.subarray(consumed) : undefined;
      if (produced > 0 && !decoder.push(Buffer.from(out.subarray(0, produced))) && more) return; // read() resumes
    }
    finishWrite(null);
  }

  function finishWrite(error: Error | null): void {
    input = undefined;
    const callback = written;
    written = undefined;
    callback?.(error);
  }

  return decoder;
}
