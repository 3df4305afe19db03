// The OpenAI-compatible inference routes, each also served without the /v1 prefix (as LiteLLM
// does): chat completions, legacy completions, embeddings, and the model list.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import { proxyInference, type InferenceDeps } from '../proxy-inference.js';
import { principalOf } from '../plugins/authenticate.js';
import type { ModelGroup } from '../../routing/model-router.js';
import { keyAllowsModel } from '../../keys/key-allows-model.js';
import { keyMayUseGroup, restrictsModels } from '../admit-attempt.js';

export function registerOpenAIRoutes(app: FastifyInstance, deps: InferenceDeps): void {
  for (const prefix of ['/v1', '']) {
    app.post(`${prefix}/chat/completions`, (request, reply) => proxyInference(deps, 'chat', request, reply));
    app.post(`${prefix}/completions`, (request, reply) => proxyInference(deps, 'completions', request, reply));
    app.post(`${prefix}/embeddings`, (request, reply) => proxyInference(deps, 'embeddings', request, reply));
    app.get(`${prefix}/models`, async (request) => ({
      object: 'list',
      data: visibleModels(deps, request),
    }));
    // Model names may contain '/', so the id is the rest of the path (already decoded by the
    // router: decoding it again turned "%25ZZ" into a URIError and a 500).
    app.get<{ Params: { '*': string } }>(`${prefix}/models/*`, async (request, reply) => {
      const id = request.params['*'];
      const found = visibleModels(deps, request).find((m) => m.id === id);
      if (!found) throw new GatewayError('model_not_found', `The model "${id.slice(0, 256)}" does not exist on this gateway`, { param: 'model' });
      return reply.send(found);
    });
  }
}

function visibleGroups(deps: InferenceDeps, request: FastifyRequest): readonly ModelGroup[] {
  const principal = principalOf(request);
  const groups = deps.router().groups();
  if (principal.kind === 'keyless') return principal.models.length === 0 ? [] : groups.filter((group) => keyAllowsModel(principal.models, group.name));
  if (!restrictsModels(principal)) return groups;
  return groups.filter((group) => keyMayUseGroup(principal, group.name, group.name, group.name));
}

/** Groups, then aliases (the active model, user aliases) whose target group is visible. */
function visibleModels(deps: InferenceDeps, request: FastifyRequest) {
  const groups = visibleGroups(deps, request);
  const names = new Set(groups.map((g) => g.name));
  const aliases = [...deps.router().aliases()]
    .filter(([alias, target]) => names.has(target) && !names.has(alias))
    .map(([alias]) => ({ id: alias, object: 'model', created: 0, owned_by: 'switchboard' }));
  return [...groups.map(toModelObject), ...aliases];
}

function toModelObject(group: ModelGroup) {
  return { id: group.name, object: 'model', created: 0, owned_by: group.deployments[0]?.provider ?? 'switchboard' };
}
