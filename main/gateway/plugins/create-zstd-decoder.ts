// A zstd decoder as a Node stream (Node 20's zlib has no zstd) on fzstd, a pure-JS decoder: no
// native build, so it installs from the npm registry alone and runs unchanged in Electron.
// Never allocates a window over 8 MiB (every frame header is checked before fzstd sees it) and
// never decodes more than one block past `maxOutput`: one 4-byte block expands to 128 KiB.
import { Transform } from 'node:stream';
import { Decompress } from 'fzstd';

/**
 * 2^23 = 8 MiB: what the zstd format asks every decoder to support, and the largest window any
 * non-"ultra" level (1-19) writes. fzstd would allocate whatever a frame header asks, up to
 * 2 GiB, and move the whole window once per block: a 20-byte header must not buy that.
 */
export const ZSTD_MAX_WINDOW = 8 * 1024 * 1024;

const FRAME_MAGIC = 0xfd2fb528;
/** Skippable frames: magic 0x184D2A50 to 0x184D2A5F, a 4-byte length, then that many bytes. */
const SKIPPABLE_MAGIC = 0x184d2a5;
const EMPTY = new Uint8Array(0);

/** Thrown from fzstd's ondata to stop it mid-chunk once the output passed the cap. */
const STOP = Symbol('zstd output cap');

/**
 * A stream that decodes zstd (one or more frames). Once it has put out more than `maxOutput`
 * bytes it stops decoding and swallows the rest of its input: the reader sees more than
 * `maxOutput` bytes and refuses the body (decompress-request-body.ts), never gigabytes.
 */
export function createZstdDecoder(maxOutput: number): Transform {
  const frames = createFrameHeaderCheck();
  let produced = 0;
  let stopped = false;
  let decoder: Transform;
  const zstd = new Decompress((block) => {
    if (block.length === 0) return;
    produced += block.length;
    // fzstd hands each block a buffer of its own: no copy needed.
    decoder.push(Buffer.from(block.buffer, block.byteOffset, block.length));
    if (produced > maxOutput) throw STOP;
  });

  const run = (chunk: Uint8Array, final: boolean, callback: (error?: Error | null) => void): void => {
    if (stopped) return callback();
    try {
      // Every header in the chunk is checked before fzstd decodes (and allocates for) any of it.
      frames.check(chunk);
      zstd.push(chunk, final);
    } catch (error) {
      if (error === STOP) {
        stopped = true;
        return callback();
      }
      return callback(error instanceof Error ? error : new Error(String(error)));
    }
    callback();
  };

  decoder = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      run(chunk, false, callback);
    },
    // fzstd throws "unexpected EOF" here when the input ends in the middle of a frame.
    flush(callback) {
      run(EMPTY, true, callback);
    },
  });
  return decoder;
}

/**
 * Walks the frame, block and skippable-frame headers as the bytes pass (it skips block
 * contents unread) and throws on a frame whose window is over ZSTD_MAX_WINDOW. Stops looking
 * at bytes it cannot read as zstd: fzstd refuses those itself.
 */
function createFrameHeaderCheck(): { check(chunk: Uint8Array): void } {
  // The header bytes read so far (a frame header is at most 18 bytes, a block header 3).
  const header = new Uint8Array(18);
  let have = 0;
  let need = 4; // the next header's length so far known: a frame starts with its 4-byte magic
  let state: 'magic' | 'frame' | 'skippable' | 'block' | 'lost' = 'magic';
  let skip = 0; // content bytes to pass over before the next header
  let lastBlock = false;
  let checksum = 0;

  function onHeader(): void {
    if (state === 'magic') {
      const magic = readLE(header, 0, 4);
      if (magic === FRAME_MAGIC) [state, need] = ['frame', 5];
      else if (magic >>> 4 === SKIPPABLE_MAGIC) [state, need] = ['skippable', 8];
      else state = 'lost';
      return;
    }
    if (state === 'skippable') {
      [skip, state, have, need] = [readLE(header, 4, 4), 'magic', 0, 4];
      return;
    }
    if (state === 'frame') {
      const descriptor = header[4]!;
      const singleSegment = (descriptor >> 5) & 1;
      const sizeField = descriptor >> 6;
      const dictBytes = [0, 1, 2, 4][descriptor & 3]!;
      const contentSizeBytes = sizeField === 0 ? singleSegment : 1 << sizeField;
      const length = 5 + (singleSegment ? 0 : 1) + dictBytes + contentSizeBytes;
      if (have < length) {
        need = length;
        return;
      }
      // A single-segment frame's window is its content size; else the window descriptor says.
      let window: number;
      if (singleSegment) {
        window = readLE(header, length - contentSizeBytes, contentSizeBytes) + (sizeField === 1 ? 256 : 0);
      } else {
        const exponent = 2 ** (10 + (header[5]! >> 3)); // up to 2^41: no 32-bit shifts
        window = exponent + (exponent / 8) * (header[5]! & 7);
      }
      if (window > ZSTD_MAX_WINDOW) {
        throw new Error(`a zstd frame asks for a ${Math.ceil(window / 1024 / 1024)} MiB window; at most 8 MiB is accepted (compress with a level of 19 or below, without --long)`);
      }
      checksum = (descriptor >> 2) & 1 ? 4 : 0;
      [state, have, need] = ['block', 0, 3];
      return;
    }
    // A block header: bit 0 marks the last block, bits 1-2 its type, the other 21 bits its size.
    const bits = readLE(header, 0, 3);
    const type = (bits >> 1) & 3;
    lastBlock = (bits & 1) === 1;
    skip = type === 1 ? 1 : bits >>> 3; // an RLE block holds its one byte
    have = 0;
    if (lastBlock) [skip, state, need] = [skip + checksum, 'magic', 4];
  }

  return {
    check(chunk) {
      let at = 0;
      while (at < chunk.length && state !== 'lost') {
        if (skip > 0) {
          const n = Math.min(skip, chunk.length - at);
          skip -= n;
          at += n;
          continue;
        }
        while (have < need && at < chunk.length) header[have++] = chunk[at++]!;
        if (have === need) onHeader();
      }
    },
  };
}

/** Little-endian unsigned integer of `bytes` bytes (at most 8; past 2^53 it is merely huge). */
function readLE(bytes: Uint8Array, offset: number, length: number): number {
  let value = 0;
  for (let i = length - 1; i >= 0; i--) value = value * 256 + bytes[offset + i]!;
  return value;
}
