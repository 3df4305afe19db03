// What the Responses API's request path needs of the response store: save a finished response,
// read the conversation a previous_response_id names. On SQLite each answers at once; in team mode
// (PostgreSQL) each is a Promise, and the callers wait only for a Promise, so SQLite's path stays
// as synchronous as it was.
import type { MaybePromise } from '../../core/run-maybe-async.js';
import type { ResponseChain, ResponseToStore, SaveOutcome } from '../../storage/response-store.js';

export interface ConversationStore {
  save(response: ResponseToStore): MaybePromise<SaveOutcome>;
  /** The conversation ending with `id`; undefined when `id` is unknown or another owner's. */
  chain(id: string, owner: string | null): MaybePromise<ResponseChain | undefined>;
}
