// zstd frames for tests: real ones from the zstd CLI (libzstd, the library Codex's zstd crate
// wraps; `apt-get install zstd`, see README "System packages"), and hand-built RLE frames for
// bombs and headers no encoder writes. Never used by the gateway itself.
import { execFileSync } from 'node:child_process';

/**
 * `data` compressed by the zstd CLI. From stdin it writes one streamed frame without a content
 * size, as Codex does (zstd::stream::encode_all); `--stream-size=N` adds it; `--zstd=wlog=N`
 * sets the window.
 */
export function zstdCompress(data: Buffer | string, args: readonly string[] = ['-3']): Buffer {
  return execFileSync('zstd', ['-c', '-q', ...args], { input: data, maxBuffer: 64 * 1024 * 1024 });
}

const BLOCK = 128 * 1024;

/**
 * One zstd frame of `blocks` RLE blocks (4 bytes each, 128 KiB of `byte` each) with a window of
 * 2^windowLog bytes: `blocks` = 8192 is 1 GiB in 32 KiB.
 */
export function zstdRleFrame(blocks: number, options: { byte?: number; windowLog?: number } = {}): Buffer {
  const windowLog = options.windowLog ?? 17;
  // Magic, a descriptor with no flags (window descriptor follows, no checksum, no content size).
  const header = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, (windowLog - 10) << 3]);
  const body = Buffer.alloc(blocks * 4);
  for (let i = 0; i < blocks; i++) {
    // Block header: bit 0 last block, bits 1-2 type (1 = RLE), the rest the block's size.
    body.writeUIntLE((BLOCK << 3) | (1 << 1) | (i === blocks - 1 ? 1 : 0), i * 4, 3);
    body[i * 4 + 3] = options.byte ?? 0x20;
  }
  return Buffer.concat([header, body]);
}
