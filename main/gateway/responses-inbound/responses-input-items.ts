// A Responses request's `input` as items: a string is one user message. The bridge converts these
// items, and the response store keeps them as the request's own turn of the conversation, so a
// follow-up's previous_response_id replays exactly what the model saw.
import type { ResponsesRequest } from './parse-responses-request.js';

type Json = Record<string, unknown>;

export function responsesInputItems(request: Pick<ResponsesRequest, 'input'>): readonly Json[] {
  return typeof request.input === 'string' ? [{ type: 'message', role: 'user', content: request.input }] : request.input;
}
