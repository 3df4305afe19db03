// Tells the routes which listener a request came in on: the Ollama listener (ollama-listener.ts)
// marks its requests, and a route constraint lets `GET /` answer "Ollama is running" there while
// the main port keeps serving the dashboard at `/`. Never trusts anything the client sends.
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

const OLLAMA_LISTENER = Symbol('switchboard.ollamaListener');

/** The constraint name routes use: `{ constraints: { listener: 'ollama' } }`. */
export const LISTENER_CONSTRAINT = 'listener';

export function markOllamaListenerRequest(request: IncomingMessage): void {
  (request as IncomingMessage & { [OLLAMA_LISTENER]?: true })[OLLAMA_LISTENER] = true;
}

export function isOllamaListenerRequest(request: IncomingMessage): boolean {
  return (request as IncomingMessage & { [OLLAMA_LISTENER]?: true })[OLLAMA_LISTENER] === true;
}

/** Adds the `listener` constraint (once per app): 'ollama' on the Ollama listener, 'main' elsewhere. */
export function addListenerConstraint(app: FastifyInstance): void {
  if (app.hasConstraintStrategy(LISTENER_CONSTRAINT)) return;
  app.addConstraintStrategy({
    name: LISTENER_CONSTRAINT,
    storage() {
      const routes = new Map<string, unknown>();
      return {
        get: (value: string) => (routes.get(value) ?? null) as never,
        set: (value: string, store: unknown) => void routes.set(value, store),
      };
    },
    deriveConstraint: (request: IncomingMessage) => (isOllamaListenerRequest(request) ? 'ollama' : 'main'),
    // A main-port request falls through to the unconstrained route (the dashboard's `/`).
    mustMatchWhenDerived: false,
  });
}
