// Response store: the Responses API's stored responses, each readable, deletable and continuable
// (previous_response_id) only by the key that made it; bounded by a per-response and a total byte
// cap (oldest dropped first) and pruned by age with the usage retention. One definition for both
// engines: synchronous on SQLite, Promise-returning on PostgreSQL. Never stores request headers,
// nor a key a conversation happens to contain (the injected redactor masks them first), and never
// lets one owner's id reach another owner's row.
import type { Clock } from './clock.js';
import { sql } from './sql-statement.js';
import { bindUnit, type CallMode, type ModeOf, type Returns, type StorageConnection } from './storage-connection.js';
import { get, readUnit, run, writeUnit } from './storage-unit.js';

/** One stored response larger than this is not stored (the request itself still succeeds). */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
/** All stored responses together; past it the oldest are dropped as new ones arrive. */
export const DEFAULT_MAX_STORED_BYTES = 256 * 1024 * 1024;
/** previous_response_id links followed at most: the conversation's newest responses win. */
export const DEFAULT_MAX_CHAIN_DEPTH = 1_000;

export interface ResponseToStore {
  /** The response id (`resp_…`) the client was given. */
  id: string;
  /** The virtual key id that made it; null for the admin key and open local mode. */
  owner: string | null;
  /** The model name the client asked for. */
  model: string;
  previousResponseId: string | null;
  instructions: string | null;
  /** This request's own input items (not the history it continued from). */
  input: readonly unknown[];
  /** The response object as sent to the client; its `output` items continue the conversation. */
  response: Readonly<Record<string, unknown>>;
}

/** 'too_large': over the per-response cap; 'duplicate': the id exists (it is never overwritten). */
export type SaveOutcome = 'stored' | 'too_large' | 'duplicate';

export interface ResponseChain {
  /** Every response's input items then its output items, oldest response first. */
  items: unknown[];
  /** How many responses the chain holds. */
  responses: number;
  /** The oldest link was missing (pruned, deleted or dropped by the cap), looped, or past the depth bound. */
  truncated: boolean;
}

export interface ResponseStoreOf<M extends CallMode> {
  save(response: ResponseToStore): Returns<M, SaveOutcome>;
  /** The response object's JSON text, as stored; undefined when unknown or another owner's. */
  get(id: string, owner: string | null): Returns<M, string | undefined>;
  /** False when unknown or another owner's. */
  delete(id: string, owner: string | null): Returns<M, boolean>;
  /** The conversation ending with `id`; undefined when `id` is unknown or another owner's. */
  chain(id: string, owner: string | null): Returns<M, ResponseChain | undefined>;
  /** Deletes responses stored before `beforeMs` (epoch ms), oldest first, in short transactions; returns how many. */
  prune(beforeMs: number): Returns<M, number>;
  /** Bytes held now (the figure the total cap bounds). */
  totalBytes(): Returns<M, number>;
}

/** The desktop's store, on SQLite: every call returns its value. */
export type ResponseStore = ResponseStoreOf<'sync'>;
/** Team mode's store, on PostgreSQL: every call returns a Promise. */
export type AsyncResponseStore = ResponseStoreOf<'async'>;

export interface ResponseStoreOptions {
  clock: Clock;
  maxResponseBytes?: number;
  maxStoredBytes?: number;
  maxChainDepth?: number;
  /** Rows per prune transaction. */
  pruneBatch?: number;
  /**
   * Masks secrets in the JSON text before it is written (the gateway's secret redactor: the keys
   * it holds and key shapes). Its mask has no quote or backslash, so the JSON stays valid.
   */
  redact?: (text: string) => string;
}

type InsertArgs = [id: string, owner: string | null, createdAt: number, model: string, previous: string | null, instructions: string | null, input: string, response: string, bytes: number];

interface Link {
  prev: string | null;
  input: string;
  response: string;
}

// `IS NOT DISTINCT FROM` is `=` that also matches NULL to NULL (the admin key's rows), on both
// engines; SQLite's `IS ?` is not PostgreSQL.
const OWNED = 'id = ? AND owner_key_id IS NOT DISTINCT FROM ?';
// position numbers rows in insertion order (migration 11), the tie-break within one millisecond
// that SQLite's rowid used to be; the max comes from its index, never a scan. Two PostgreSQL
// replicas inserting at once may draw the same number: a tie then falls to the engine's order.
const INSERT = sql(
  `INSERT INTO stored_responses (id, owner_key_id, created_at, model, previous_response_id, instructions, input_items, response, bytes, position)
   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT coalesce(max(position), 0) + 1 FROM stored_responses)) ON CONFLICT (id) DO NOTHING`,
);
const SELECT_TOTAL = sql('SELECT bytes FROM stored_responses_total');
// Takes the total row's lock first, before any response row's: a delete and a save evicting the
// same row would otherwise each hold what the other waits for on PostgreSQL (a save's INSERT
// trigger locks the total row before it evicts). On SQLite the write lock is already held.
const LOCK_TOTAL = sql('UPDATE stored_responses_total SET bytes = bytes');
// One row at a time through the created_at index: at the cap each new response evicts one or
// two old ones, never a scan of the table.
const DELETE_OLDEST = sql('DELETE FROM stored_responses WHERE id = (SELECT id FROM stored_responses ORDER BY created_at, position LIMIT 1)');
const SELECT_RESPONSE = sql(`SELECT response FROM stored_responses WHERE ${OWNED}`);
const DELETE_ONE = sql(`DELETE FROM stored_responses WHERE ${OWNED}`);
// The output items are read out of the response object in TypeScript (JSON stays TEXT, read the
// same on both engines), so they are stored once.
const SELECT_LINK = sql(`SELECT previous_response_id AS prev, input_items AS input, response FROM stored_responses WHERE ${OWNED}`);
const PRUNE = sql('DELETE FROM stored_responses WHERE id IN (SELECT id FROM stored_responses WHERE created_at < ? ORDER BY created_at, position LIMIT ?)');

const insertWithinCap = writeUnit(function* (maxStoredBytes: number, ...row: InsertArgs) {
  if ((yield* run(INSERT, row)).changes === 0) return false;
  // Stops on an empty table too: a total the triggers did not keep (a hand-edited file) must not spin.
  while ((yield* get<{ bytes: number }>(SELECT_TOTAL))!.bytes > maxStoredBytes && (yield* run(DELETE_OLDEST)).changes > 0);
  return true;
});
const readResponse = readUnit(function* (id: string, owner: string | null) {
  return (yield* get<{ response: string }>(SELECT_RESPONSE, [id, owner]))?.response;
});
const deleteResponse = writeUnit(function* (id: string, owner: string | null) {
  yield* run(LOCK_TOTAL);
  return (yield* run(DELETE_ONE, [id, owner])).changes > 0;
});
const pruneBatchBefore = writeUnit(function* (beforeMs: number, batch: number) {
  yield* run(LOCK_TOTAL);
  return (yield* run(PRUNE, [beforeMs, batch])).changes;
});
const readTotal = readUnit(function* () {
  return (yield* get<{ bytes: number }>(SELECT_TOTAL))!.bytes;
});
// One read unit for the whole walk: one snapshot-free pass on one connection (SQLite: no
// transaction, as before; PostgreSQL: one pooled client, one round trip per link).
const readChain = readUnit(function* (id: string, owner: string | null, maxChainDepth: number) {
  const links: Link[] = [];
  const seen = new Set<string>();
  let next: string | null = id;
  let truncated = false;
  while (next !== null) {
    if (links.length === maxChainDepth || seen.has(next)) {
      truncated = true;
      break;
    }
    seen.add(next);
    const link: Link | undefined = yield* get<Link>(SELECT_LINK, [next, owner]);
    if (link === undefined) {
      if (links.length === 0) return undefined;
      truncated = true;
      break;
    }
    links.push(link);
    next = link.prev;
  }
  // Item by item, never spread into push: an 8 MiB body can hold more items than a call takes arguments.
  const items: unknown[] = [];
  for (let i = links.length - 1; i >= 0; i--) {
    for (const item of parseItems(links[i]!.input)) items.push(item);
    for (const item of outputItems(links[i]!.response)) items.push(item);
  }
  const chain: ResponseChain = { items, responses: links.length, truncated };
  return chain;
});

export function createResponseStore<C extends StorageConnection>(connection: C, options: ResponseStoreOptions): ResponseStoreOf<ModeOf<C>> {
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const maxStoredBytes = options.maxStoredBytes ?? DEFAULT_MAX_STORED_BYTES;
  const maxChainDepth = options.maxChainDepth ?? DEFAULT_MAX_CHAIN_DEPTH;
  const pruneBatch = Math.max(1, options.pruneBatch ?? 500);
  const redact = options.redact ?? ((text: string) => text);
  for (const [name, value] of [['maxResponseBytes', maxResponseBytes], ['maxStoredBytes', maxStoredBytes], ['maxChainDepth', maxChainDepth]] as const) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a whole number, 1 or more (got ${value}).`);
  }
  // A response the per-response cap admits must fit the total, or storing it would evict itself.
  const perResponseCap = Math.min(maxResponseBytes, maxStoredBytes);

  const insert = bindUnit(connection, insertWithinCap);
  const chain = bindUnit(connection, readChain);
  const pruneOnce = bindUnit(connection, pruneBatchBefore);
  // The engine's own calling convention for a value computed from a unit's result: a plain call on
  // SQLite (no Promise on the desktop's path), .then on PostgreSQL.
  const map = <T, U>(result: Returns<ModeOf<C>, T>, f: (value: T) => U): Returns<ModeOf<C>, U> =>
    (result instanceof Promise ? result.then(f) : f(result as T)) as Returns<ModeOf<C>, U>;
  const done = <T>(value: T): Returns<ModeOf<C>, T> => (isAsync(connection) ? Promise.resolve(value) : value) as Returns<ModeOf<C>, T>;

  return {
    save(response) {
      const input = redact(JSON.stringify(response.input));
      const body = redact(JSON.stringify(response.response));
      const instructions = response.instructions === null ? null : redact(response.instructions);
      const bytes = Buffer.byteLength(input) + Buffer.byteLength(body) + Buffer.byteLength(instructions ?? '');
      if (bytes > perResponseCap) return done<SaveOutcome>('too_large');
      const inserted = insert(maxStoredBytes, response.id, response.owner, options.clock.now(), response.model, response.previousResponseId, instructions, input, body, bytes);
      return map(inserted, (stored): SaveOutcome => (stored ? 'stored' : 'duplicate'));
    },
    get: bindUnit(connection, readResponse),
    delete: bindUnit(connection, deleteResponse),
    chain: (id, owner) => chain(id, owner, maxChainDepth),
    prune(beforeMs) {
      // Batch after batch until one comes back short: each its own short transaction, so neither
      // engine holds its write lock for the whole prune.
      if (isAsync(connection)) {
        const once = pruneOnce as (beforeMs: number, batch: number) => Promise<number>;
        return (async () => {
          let deleted = 0;
          for (;;) {
            const n = await once(beforeMs, pruneBatch);
            deleted += n;
            if (n < pruneBatch) return deleted;
          }
        })() as Returns<ModeOf<C>, number>;
      }
      const once = pruneOnce as (beforeMs: number, batch: number) => number;
      let deleted = 0;
      for (;;) {
        const n = once(beforeMs, pruneBatch);
        deleted += n;
        if (n < pruneBatch) return deleted as Returns<ModeOf<C>, number>;
      }
    },
    totalBytes: bindUnit(connection, readTotal),
  };
}

function isAsync(connection: StorageConnection): boolean {
  return 'dialect' in connection && connection.dialect === 'postgresql';
}

/** A stored array, or nothing when the column holds no array. */
function parseItems(json: string): unknown[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value : [];
}

/** The response object's `output` items, or nothing when it has none (a response object without `output`). */
function outputItems(json: string): unknown[] {
  const value: unknown = JSON.parse(json);
  const output = typeof value === 'object' && value !== null ? (value as { output?: unknown }).output : undefined;
  return Array.isArray(output) ? output : [];
}
