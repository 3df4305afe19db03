// GET and DELETE /v1/responses/{id} (also without /v1): a stored Responses API response, read or
// deleted by the key that made it. Another key's id answers exactly like an unknown one (404), so
// a key cannot even learn that another app's response exists. Never streams a stored response.
import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import type { MaybePromise } from '../../core/run-maybe-async.js';
import { principalOf } from '../plugins/authenticate.js';
import { responseOwnerOf } from '../stored-responses/response-owner.js';

interface IdRoute {
  Params: { id: string };
  Querystring: Record<string, unknown>;
}

/** What these routes need of the response store, on SQLite (answers at once) or PostgreSQL (Promises). */
export interface StoredResponseReader {
  get(id: string, owner: string | null): MaybePromise<string | undefined>;
  delete(id: string, owner: string | null): MaybePromise<boolean>;
}

export function registerStoredResponseRoutes(app: FastifyInstance, store: StoredResponseReader): void {
  for (const prefix of ['/v1', '']) {
    // One route for both methods: the inference zone adds OPTIONS (the browser preflight) to every
    // route, and two routes on one path would each claim it.
    app.route<IdRoute>({
      method: ['GET', 'DELETE'],
      url: `${prefix}/responses/:id`,
      handler: async (request, reply) => {
        const id = request.params.id;
        const owner = responseOwnerOf(principalOf(request));
        if (request.method === 'DELETE') {
          if (!(await store.delete(id, owner))) throw responseNotFound(id);
          return reply.send({ id, object: 'response', deleted: true });
        }
        // OpenAI replays a background response's events with ?stream=true; nothing here runs in the background.
        if (request.query.stream === 'true') {
          throw new GatewayError('invalid_request', 'Streaming a stored response is not supported; retrieve it without stream=true', { param: 'stream' });
        }
        const json = await store.get(id, owner);
        if (json === undefined) throw responseNotFound(id);
        // Sent as stored: the object the client was given when it was made, not parsed again.
        return reply.type('application/json').send(json);
      },
    });
  }
}

/** OpenAI's message for an unknown response id (fastify's maxParamLength bounds the echoed id). */
function responseNotFound(id: string): GatewayError {
  return new GatewayError('response_not_found', `Response with id '${id}' not found.`, { param: 'response_id' });
}
