// Request ids that sort by time: UUID version 7 (RFC 9562), 48 bits of Unix milliseconds, then 74
// random bits. Every request's id is the usage row's key (`usage_log.request_id`, a unique index
// in SQLite, the primary key with `ts` in PostgreSQL). Random (version 4) ids landed each new row
// on a random leaf of that index, so every row of a 100-row batch dirtied a page of its own and the
// WAL took about 4 KB per request for the index alone; ids that grow with time append to the
// index's right-most pages, as `ts` does. Still a UUID to every client and log reader; the random
// bits keep ids unguessable and unique across replicas.
import { randomFillSync } from 'node:crypto';

export interface TimeOrderedRequestIdDeps {
  now?: () => number;
  /** Fills the buffer with random bytes (crypto.randomFillSync). */
  fillRandom?: (buffer: Buffer) => void;
}

/** Random bytes drawn in blocks: one call to the CSPRNG per 256 ids, not one per id. */
const IDS_PER_REFILL = 256;
const RANDOM_BYTES_PER_ID = 10;

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

export function createTimeOrderedRequestId(deps: TimeOrderedRequestIdDeps = {}): () => string {
  const now = deps.now ?? Date.now;
  const fillRandom = deps.fillRandom ?? ((buffer: Buffer) => randomFillSync(buffer));
  const pool = Buffer.allocUnsafeSlow(IDS_PER_REFILL * RANDOM_BYTES_PER_ID);
  let offset = pool.length;
  return () => {
    if (offset === pool.length) {
      fillRandom(pool);
      offset = 0;
    }
    const r = offset;
    offset += RANDOM_BYTES_PER_ID;
    const ms = Math.max(0, Math.floor(now()));
    // 48-bit big-endian milliseconds: the top 16 bits, then the low 32.
    const high = Math.floor(ms / 0x1_0000_0000) & 0xffff;
    const low = ms >>> 0;
    return HEX[high >>> 8]! + HEX[high & 0xff]! + HEX[low >>> 24]! + HEX[(low >>> 16) & 0xff]! + '-'
      + HEX[(low >>> 8) & 0xff]! + HEX[low & 0xff]! + '-'
      // Version 7 in the top nibble of byte 6; variant 10xx in the top bits of byte 8.
      + HEX[0x70 | (pool[r]! & 0x0f)]! + HEX[pool[r + 1]!]! + '-'
      + HEX[0x80 | (pool[r + 2]! & 0x3f)]! + HEX[pool[r + 3]!]! + '-'
      + HEX[pool[r + 4]!]! + HEX[pool[r + 5]!]! + HEX[pool[r + 6]!]! + HEX[pool[r + 7]!]! + HEX[pool[r + 8]!]! + HEX[pool[r + 9]!]!;
  };
}
