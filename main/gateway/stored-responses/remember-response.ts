// Stores a finished Responses API response when its request asked for it (store absent or true),
// so GET /v1/responses/{id} and a follow-up's previous_response_id find it. Called before
// response.completed is sent. A response that cannot be stored (over the size cap, a storage
// failure) is logged by id and the request still succeeds. Never logs or stores conversation
// text beyond the store itself, nor any header or key.
import type { Log } from '../../storage/log.js';
import { isStorageError } from '../../storage/storage-error.js';
import type { ResponseStore, SaveOutcome } from '../../storage/response-store.js';
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

export function rememberResponse(store: ResponseStore, log: Pick<Log, 'warn'>, completed: ResponseToRemember): RememberOutcome {
  const { request, response } = completed;
  if (!shouldStoreResponse(request)) return 'not_requested';
  let outcome: SaveOutcome;
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
    // The answer is already complete: a full disk or a busy database costs the stored copy, not the response.
    if (!isStorageError(error)) throw error;
    log.warn({ responseId: response.id, code: error.code }, 'response not stored: the database refused the write; a follow-up naming it will get previous_response_not_found');
    return 'failed';
  }
  if (outcome === 'too_large') log.warn({ responseId: response.id }, 'response not stored: larger than the per-response cap of the response store');
  if (outcome === 'duplicate') log.warn({ responseId: response.id }, 'response not stored: a stored response already has this id');
  return outcome;
}
