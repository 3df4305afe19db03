// The Ollama-compatible API's discovery side, what IDEs call before they chat: /api/version,
// /api/tags, /api/show, /api/ps, the model-management calls Switchboard refuses with directions,
// and `GET /` ("Ollama is running") on the Ollama listener only. Registered in the inference zone,
// so the local-only guard, the browser policy and authentication apply as to every inference
// route; errors are Ollama's `{"error": "..."}`. Never calls anything but a configured Ollama
// deployment's own /api/tags and /api/show (upstream-ollama-tags.ts, upstream-ollama-show.ts).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import type { OllamaApiSettings } from '../../config/ollama-api-settings.js';
import { createPriceTable } from '../../metering/price-table.js';
import type { ModelRouter } from '../../routing/model-router.js';
import type { ProbeDeps } from '../../routing/probe-deployment.js';
import { sendError } from '../plugins/error-handler.js';
import { principalOf } from '../plugins/authenticate.js';
import { addListenerConstraint, LISTENER_CONSTRAINT } from '../ollama-discovery/ollama-listener-request.js';
import { resolveOllamaModelName } from '../ollama-discovery/resolve-ollama-model-name.js';
import { createUpstreamOllamaTags } from '../ollama-discovery/upstream-ollama-tags.js';
import { createUpstreamOllamaShow } from '../ollama-discovery/upstream-ollama-show.js';
import { describeOllamaModel, listOllamaModels, visibleOllamaModels } from '../ollama-discovery/list-ollama-models.js';
import { buildOllamaShow } from '../ollama-discovery/build-ollama-show.js';

export interface OllamaDiscoveryDeps extends ProbeDeps {
  router: () => ModelRouter;
  now: () => number;
}

/** Longer is no model name; refused before any lookup. */
const MAX_MODEL_NAME = 512;

export function registerOllamaDiscoveryRoutes(app: FastifyInstance, deps: OllamaDiscoveryDeps, settings: OllamaApiSettings): void {
  // Stable across listings (clients sort and cache by it): when the gateway started.
  const modifiedAt = new Date(deps.now()).toISOString();
  const upstreamTags = createUpstreamOllamaTags(deps, { now: deps.now });
  const upstreamShow = createUpstreamOllamaShow(deps, { now: deps.now });
  const prices = createPriceTable(undefined, { now: deps.now });
  addListenerConstraint(app);

  app.register(async (scope) => {
    scope.setErrorHandler((error, request, reply) => sendError(request, reply, error, 'ollama'));

    // What Ollama answers at its root; only on the Ollama listener, the main port's `/` is the dashboard's.
    scope.get('/', { constraints: { [LISTENER_CONSTRAINT]: 'ollama' } }, async (_request, reply) => reply.type('text/plain; charset=utf-8').send('Ollama is running'));

    scope.get('/api/version', async () => ({ version: settings.version }));

    scope.get('/api/tags', async (request) => ({ models: await listOllamaModels(deps.router(), principalOf(request), upstreamTags, modifiedAt) }));

    scope.post('/api/show', async (request) => {
      const requested = requestedModel(request);
      const model = findVisible(deps.router(), request, requested);
      const [entry, real] = await Promise.all([describeOllamaModel(model, upstreamTags, modifiedAt), upstreamShow.lookup(model.deployment)]);
      const d = model.deployment;
      const contextLength = d.maxInputTokens ?? prices.lookup(d.provider, d.upstreamModel, d.baseModel)?.maxInputTokens;
      return buildOllamaShow(model, entry, contextLength, real);
    });

    // Switchboard holds no model in memory; models it routes to a real Ollama are loaded there and
    // show in that server's own /api/ps. An empty list is the honest answer (clients only display it).
    scope.get('/api/ps', async () => ({ models: [] }));

    // Codex --oss pulls its model before use: a model Switchboard already serves needs no download.
    scope.post('/api/pull', async (request, reply) => {
      const requested = requestedModel(request);
      findVisible(deps.router(), request, requested, (name) => new GatewayError('model_not_found',
        `model '${name}' is not served by Switchboard: add it under Models in the Switchboard dashboard (or to config.yaml); ` +
        'to download an Ollama model, run "ollama pull" on the Ollama server itself'));
      const body = request.body as Record<string, unknown>;
      if (body.stream === false) return { status: 'success' };
      return reply.type('application/x-ndjson').send(`${JSON.stringify({ status: 'success' })}\n`);
    });

    const refusals: [method: 'POST' | 'DELETE', path: string, what: string][] = [
      ['POST', '/api/push', 'Pushing models'],
      ['POST', '/api/create', 'Creating models'],
      ['POST', '/api/copy', 'Copying models'],
      ['DELETE', '/api/delete', 'Deleting models'],
    ];
    for (const [method, path, what] of refusals) {
      scope.route({
        method, url: path, handler: async () => {
          throw new GatewayError('invalid_request',
            `${what} is not supported by Switchboard's Ollama-compatible API: manage models under Models in the Switchboard dashboard ` +
            '(or in config.yaml), and Ollama models with the ollama command on the Ollama server itself', { status: 501 });
        },
      });
    }
  });
}

/** `model` (or the legacy `name`) of a JSON object body, or a 400 in Ollama's words. */
function requestedModel(request: FastifyRequest): string {
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new GatewayError('invalid_request', 'the request body must be a JSON object');
  const record = body as Record<string, unknown>;
  const model = record.model ?? record.name;
  if (typeof model !== 'string' || model.trim() === '') throw new GatewayError('invalid_request', 'model is required', { param: 'model' });
  if (model.length > MAX_MODEL_NAME) throw new GatewayError('invalid_request', `model name is too long (at most ${MAX_MODEL_NAME} characters)`, { param: 'model' });
  return model;
}

/**
 * The model as this caller may see it; a model it may not use is as unknown as one that does not
 * exist (a keyless client learns nothing about the rest), in Ollama's wording.
 */
function findVisible(router: ModelRouter, request: FastifyRequest, requested: string, notFound = (name: string) => new GatewayError('model_not_found', `model '${name}' not found`)) {
  const visible = visibleOllamaModels(router, principalOf(request));
  const byName = new Map(visible.map((model) => [model.configured, model]));
  const configured = resolveOllamaModelName(requested, (name) => byName.has(name));
  const model = configured === undefined ? undefined : byName.get(configured);
  if (!model) throw notFound(requested.slice(0, 256));
  return model;
}
