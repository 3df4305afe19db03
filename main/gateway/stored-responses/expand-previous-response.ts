// previous_response_id: the input to send upstream is the stored conversation it names (each
// earlier response's input then output items, oldest first) followed by this request's input.
// Instructions are not carried over (OpenAI's rule). Never reaches another key's responses: an
// unknown id and another owner's id get the same 400 previous_response_not_found.
import { GatewayError } from '../../core/gateway-error.js';
import type { ResponseChain } from '../../storage/response-store.js';
import type { ConversationStore } from './conversation-store.js';

export interface ExpandedInput {
  /** History items, then this request's items. */
  input: unknown[];
  /** The history lost its oldest part (pruned, deleted, dropped by the size cap or past the depth bound). */
  truncated: boolean;
}

/** Longest id echoed in an error: the id comes from the request body and may be megabytes. */
const ECHOED_ID_CHARS = 256;

/** At once when the store answers at once (SQLite); a Promise when it does (team mode). */
export function expandPreviousResponse(
  store: { chain(id: string, owner: string | null): ResponseChain | undefined },
  owner: string | null,
  request: { readonly previous_response_id?: unknown },
  input: readonly unknown[],
): ExpandedInput;
export function expandPreviousResponse(
  store: Pick<ConversationStore, 'chain'>,
  owner: string | null,
  request: { readonly previous_response_id?: unknown },
  input: readonly unknown[],
): ExpandedInput | Promise<ExpandedInput>;
export function expandPreviousResponse(
  store: Pick<ConversationStore, 'chain'>,
  owner: string | null,
  request: { readonly previous_response_id?: unknown },
  input: readonly unknown[],
): ExpandedInput | Promise<ExpandedInput> {
  const id = request.previous_response_id;
  if (id === undefined || id === null) return { input: [...input], truncated: false };
  if (typeof id !== 'string' || id === '') {
    throw new GatewayError('invalid_request', 'previous_response_id must be a response id (a non-empty string)', { param: 'previous_response_id' });
  }
  const chain = store.chain(id, owner);
  return chain instanceof Promise ? chain.then((found) => withChain(id, found, input)) : withChain(id, chain, input);
}

function withChain(id: string, chain: ResponseChain | undefined, input: readonly unknown[]): ExpandedInput {
  if (chain === undefined) {
    // OpenAI's own message, status (400) and code, so clients that recover from it (drop the id,
    // resend the history) recognise ours.
    throw new GatewayError('previous_response_not_found', `Previous response with id '${id.slice(0, ECHOED_ID_CHARS)}' not found.`, { param: 'previous_response_id' });
  }
  return { input: chain.items.concat(input), truncated: chain.truncated };
}
