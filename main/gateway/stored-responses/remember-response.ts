// Stores a finished Responses API response when its request asked for it (store absent or true),
// so GET /v1/responses/{id} and a follow-up's previous_response_id find it. Called before
// response.completed is sent. A response that cannot be stored (over the size cap, a storage
// failure) is logged by id and the request still succeeds. Never logs or stores conversation
// text beyond the store itself, nor any header or key.
import type { Log } from '../../storage/log.js';
import { isStorageError } from '../../storage/storage-error.js';
import type { ResponseToStore, SaveOutcome } from '../../storage/response-store.js';
import type { ConversationStore } from './conversation-store.js';
import { shouldStoreResponse } from './should-store-response.js';

export interface ResponseToRemember {
  /** The parsed request body (`model`, `store`, `previous_response_id`, `instructions` are read). */
  request: Readonly<Record<string, unknown>>;
  /** This request's own input items, normalised (a string input is one user message), without the history. */
  input: readonly unknown[];
  /** The final response object as sent to the client (`id`, `output`, `usage`, ...). */
  response: Readonly<Record<string, unknown>> & { readonly id: string };
  owner: string | null;
}

export type RememberOutcome = SaveOutcome | 'not_requested' | 'failed';

/**
 * The outcome at once on SQLite. In team mode a Promise that never rejects (a failure is logged,
 * like SQLite's): the answer goes on without waiting for it.
 */
export function rememberResponse(store: { save(response: ResponseToStore): SaveOutcome }, log: Pick<Log, 'warn'>, completed: ResponseToRemember): RememberOutcome;
export function rememberResponse(store: Pick<ConversationStore, 'save'>, log: Pick<Log, 'warn'>, completed: ResponseToRemember): RememberOutcome | Promise<RememberOutcome>;
export function rememberResponse(store: Pick<ConversationStore, 'save'>, log: Pick<Log, 'warn'>, completed: ResponseToRemember): RememberOutcome | Promise<RememberOutcome> {
  const { request, response } = completed;
  if (!shouldStoreResponse(request)) return 'not_requested';
  let outcome: SaveOutcome | Promise<SaveOutcome>;
  try {
    outcome = store.save({
      id: response.id,
      owner: completed.owner,
      model: typeof request.model === 'string' ? request.model : String(response.model ?? ''),
      previousResponseId: typeof request.previous_response_id === 'string' ? request.previous_response_id : null,
      instructions: typeof request.instructions === 'string' ? request.instructions : null,
      input: completed.input,
      response,
    });
  } catch (error) {
    return notStored(log, response.id, error);
  }
  // Nobody awaits the Promise: any failure is logged here, a rejection would be unhandled.
  if (outcome instanceof Promise) return outcome.then((saved) => reported(log, response.id, saved), (error: unknown) => notStoredAsync(log, response.id, error));
  return reported(log, response.id, outcome);
}

/** The answer is already complete: a full disk or a busy database costs the stored copy, not the response. */
function notStored(log: Pick<Log, 'warn'>, responseId: string, error: unknown): 'failed' {
  if (!isStorageError(error)) throw error;
  log.warn({ responseId, code: error.code }, 'response not stored: the database refused the write; a follow-up naming it will get previous_response_not_found');
  return 'failed';
}

function notStoredAsync(log: Pick<Log, 'warn'>, responseId: string, error: unknown): 'failed' {
  if (isStorageError(error)) return notStored(log, responseId, error);
  log.warn({ responseId, err: error }, 'response not stored: the write failed; a follow-up naming it will get previous_response_not_found');
  return 'failed';
}

function reported(log: Pick<Log, 'warn'>, responseId: string, outcome: SaveOutcome): SaveOutcome {
  if (outcome === 'too_large') log.warn({ responseId }, 'response not stored: larger than the per-response cap of the response store');
  if (outcome === 'duplicate') log.warn({ responseId }, 'response not stored: a stored response already has this id');
  return outcome;
}
