// Response store: the Responses API's stored responses in SQLite, each readable, deletable and
// continuable (previous_response_id) only by the key that made it; bounded by a per-response and
// a total byte cap (oldest dropped first) and pruned by age with the usage retention. Never
// stores request headers, nor a key a conversation happens to contain (the injected redactor
// masks them first), and never lets one owner's id reach another owner's row.
import type Database from 'better-sqlite3';
import type { Clock } from './clock.js';
import { immediateTransaction } from './immediate-transaction.js';

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

export interface ResponseStore {
  save(response: ResponseToStore): SaveOutcome;
  /** The response object's JSON text, as stored; undefined when unknown or another owner's. */
  get(id: string, owner: string | null): string | undefined;
  /** False when unknown or another owner's. */
  delete(id: string, owner: string | null): boolean;
  /** The conversation ending with `id`; undefined when `id` is unknown or another owner's. */
  chain(id: string, owner: string | null): ResponseChain | undefined;
  /** Deletes responses stored before `beforeMs` (epoch ms), oldest first, in short transactions; returns how many. */
  prune(beforeMs: number): number;
  /** Bytes held now (the figure the total cap bounds). */
  totalBytes(): number;
}

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
  output: string | null;
}

export function createResponseStore(db: Database.Database, options: ResponseStoreOptions): ResponseStore {
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

  const insertRow = db.prepare<InsertArgs>(
    `INSERT INTO stored_responses (id, owner_key_id, created_at, model, previous_response_id, instructions, input_items, response, bytes)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
  );
  const selectTotal = db.prepare<[], { bytes: number }>('SELECT bytes FROM stored_responses_total');
  // One row at a time through the created_at index: at the cap each new response evicts one or
  // two old ones, never a scan of the table.
  const deleteOldest = db.prepare('DELETE FROM stored_responses WHERE rowid = (SELECT rowid FROM stored_responses ORDER BY created_at, rowid LIMIT 1)');
  const selectResponse = db.prepare<[string, string | null], { response: string }>('SELECT response FROM stored_responses WHERE id = ? AND owner_key_id IS ?');
  const deleteRow = db.prepare<[string, string | null]>('DELETE FROM stored_responses WHERE id = ? AND owner_key_id IS ?');
  // The output items are read out of the stored response object by SQLite, so they are stored once.
  const selectLink = db.prepare<[string, string | null], Link>(
    `SELECT previous_response_id AS prev, input_items AS input, json_extract(response, '$.output') AS output
       FROM stored_responses WHERE id = ? AND owner_key_id IS ?`,
  );
  const pruneRows = db.prepare<[number, number]>(
    'DELETE FROM stored_responses WHERE rowid IN (SELECT rowid FROM stored_responses WHERE created_at < ? ORDER BY created_at LIMIT ?)',
  );

  const insertWithinCap = immediateTransaction(db, (...row: InsertArgs): boolean => {
    if (insertRow.run(...row).changes === 0) return false;
    // Stops on an empty table too: a total the triggers did not keep (a hand-edited file) must not spin.
    while (selectTotal.get()!.bytes > maxStoredBytes && deleteOldest.run().changes > 0);
    return true;
  });
  const pruneBatchBefore = immediateTransaction(db, (beforeMs: number) => pruneRows.run(beforeMs, pruneBatch).changes);

  return {
    save(response) {
      const input = redact(JSON.stringify(response.input));
      const body = redact(JSON.stringify(response.response));
      const instructions = response.instructions === null ? null : redact(response.instructions);
      const bytes = Buffer.byteLength(input) + Buffer.byteLength(body) + Buffer.byteLength(instructions ?? '');
      if (bytes > perResponseCap) return 'too_large';
      const inserted = insertWithinCap(
        response.id, response.owner, options.clock.now(), response.model, response.previousResponseId, instructions, input, body, bytes,
      );
      return inserted ? 'stored' : 'duplicate';
    },
    get: (id, owner) => selectResponse.get(id, owner)?.response,
    delete: (id, owner) => deleteRow.run(id, owner).changes > 0,
    chain(id, owner) {
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
        const link = selectLink.get(next, owner);
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
        for (const item of parseItems(links[i]!.output)) items.push(item);
      }
      return { items, responses: links.length, truncated };
    },
    prune(beforeMs) {
      let deleted = 0;
      for (;;) {
        const n = pruneBatchBefore(beforeMs);
        deleted += n;
        if (n < pruneBatch) return deleted;
      }
    },
    totalBytes: () => selectTotal.get()!.bytes,
  };
}

/** A stored array, or nothing when the column holds no array (a response object without `output`). */
function parseItems(json: string | null): unknown[] {
  if (json === null) return [];
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value : [];
}
