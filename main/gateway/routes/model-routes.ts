// LiteLLM-compatible model management, admin only: /model/new, /model/update, /model/delete
// change dashboard-managed models (stored in the database) and apply them to the live router at
// once; /model/info and /v2/model/info list every deployment, config-file ones marked read-only
// with their file (a user's key reads them too: only the groups it may call, in memberModelInfo's
// shape); /model/test sends one tiny chat. A provider key is never stored or returned:
// api_key is only ever a reference (os.environ/NAME, keychain/NAME).
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GatewayError, isGatewayError } from '../../core/gateway-error.js';
import { parseBody } from './parse-body.js';
import { positiveIntParam, type QueryParameters } from '../plugins/query-parameters.js';
import { principalOf } from '../plugins/authenticate.js';
import { keyMayCallModel, type KeyModelScopeLookup } from './key-model-scope.js';
import { memberModelInfo } from './member-model-info.js';
import { InvalidStoredModelError, mergeDeployments, storedModelToDeployment } from '../../config/stored-model-deployments.js';
import type { ModelStore, StoredModelInput } from '../../storage/model-repository.js';
import type { CallMode } from '../../storage/storage-connection.js';
import type { Deployment } from '../../core/deployment.js';
import type { ModelRouter } from '../../routing/model-router.js';
import type { ActiveModelStore } from '../../routing/active-model.js';
import { followFirstWorkingModel } from '../../routing/follow-first-working-model.js';
import { sanitizeProbeError, sendCheapRequest, type ProbeDeps } from '../../routing/probe-deployment.js';
import {
  modelDeleteRequestSchema,
  modelNewRequestSchema,
  modelTestRequestSchema,
  modelUpdateRequestSchema,
  type ModelInfoEntry,
  type ModelTestResult,
} from '../../../shared/api/model-schemas.js';

export interface ModelRouteDeps {
  /** Dashboard-managed models; without it (no database) the write routes answer 400. */
  /** On SQLite or PostgreSQL: every call is awaited. */
  store?: ModelStore<CallMode>;
  /** The config file's deployments: listed, never changed here. */
  configDeployments: readonly Deployment[];
  /** For os.environ/NAME references in stored models. */
  env: NodeJS.ProcessEnv;
  router: () => ModelRouter;
  /** Swaps the live model list (requests in flight keep theirs). */
  setDeployments: (deployments: readonly Deployment[]) => void;
  probe: ProbeDeps;
  /** A stored model that no longer loads is skipped; told here (logged by the caller). */
  onSkipped?: (id: string, reason: string) => void;
  newId?: () => string;
  /** Whole-call deadline of /model/test. */
  testTimeoutMs?: number;
  /** Whether a deployment's requests cost money; /model/info says so as model_info.priced when given. */
  priced?: (deployment: Deployment) => boolean;
  /** The active alias: it follows the first working model added, and a delete never leaves it on a deleted model. */
  activeModel?: ActiveModelStore<CallMode>;
  /** Probe on /model/new so the active alias can follow the first working model (followFirstWorkingModel). */
  followWorkingModels?: boolean;
  /** A user's key's models and its team's, for its view of /model/info; without it such a key sees no model. */
  keyModelScope?: KeyModelScopeLookup;
}

const TEST_PROMPT = 'Reply with a short greeting.';
const TEST_MAX_TOKENS = 16;
const MAX_ANSWER_CHARS = 2_000;
const DEFAULT_TEST_TIMEOUT_MS = 30_000;

export function registerModelRoutes(app: FastifyInstance, deps: ModelRouteDeps): void {
  const newId = deps.newId ?? (() => `model-${randomUUID()}`);
  const configById = new Map(deps.configDeployments.map((d) => [d.id, d]));

  const live = (): Deployment[] => deps.router().groups().flatMap((g) => g.deployments);
  const apply = async (): Promise<void> => {
    const stored = (await deps.store?.list()) ?? [];
    deps.setDeployments(mergeDeployments(deps.configDeployments, stored, deps.env, (model, reason) => deps.onSkipped?.(model.id, reason)));
  };
  const store = (): ModelStore<CallMode> => {
    if (!deps.store) throw new GatewayError('invalid_request', 'This gateway runs without a database, so models can only be changed in the config file');
    return deps.store;
  };
  const readOnly = (id: string): GatewayError | undefined => {
    const d = configById.get(id);
    if (!d) return undefined;
    const where = d.source.kind === 'config' && d.source.file !== '<default>' ? `the config file ${d.source.file}` : 'the built-in default config';
    return new GatewayError('invalid_request', `Model ${id} comes from ${where}; change it there (it is read-only here)`, { param: 'id' });
  };
  /** Validates by loading it exactly as start-up will; a bad reference or provider is a 400 now. */
  const check = (model: StoredModelInput): Deployment => {
    try {
      return storedModelToDeployment(model, deps.env);
    } catch (error) {
      if (error instanceof InvalidStoredModelError) throw new GatewayError('invalid_request', error.message);
      throw error;
    }
  };

  /**
   * The deployments the caller may see: every one for the admin (and a proxy_admin's key); for a
   * user's key (admitted by the role hook with scope 'model-info', which sets callerRoles), those of
   * the model groups it may call, without the admin-only details (memberModelInfo).
   */
  const list = async (request: FastifyRequest<{ Querystring: QueryParameters }>): Promise<ModelInfoEntry[]> => {
    const query = request.query;
    const id = query.litellm_model_id ?? query.model_id ?? query.modelId;
    let visible = (_d: Deployment) => true;
    let shown = (entry: ModelInfoEntry) => entry;
    const principal = principalOf(request);
    if (request.callerRoles !== undefined && principal.kind === 'virtual') {
      const scope = deps.keyModelScope === undefined ? null : await deps.keyModelScope(principal.keyId);
      visible = (d) => scope !== null && keyMayCallModel(scope, d.modelName);
      shown = memberModelInfo;
    }
    return live().filter((d) => (id === undefined || d.id === id) && visible(d)).map((d) => {
      const entry = describeDeployment(d);
      return shown(deps.priced === undefined ? entry : { ...entry, model_info: { ...entry.model_info, priced: deps.priced(d) } });
    });
  };

  // Read-only, so a user's key may read it too (scope 'model-info'); every write below is admin only.
  const readable = { config: { access: 'scoped', scope: 'model-info' } } as const;
  for (const path of ['/model/info', '/v1/model/info']) {
    app.get<{ Querystring: QueryParameters }>(path, readable, async (request) => ({ data: await list(request) }));
  }

  app.get<{ Querystring: QueryParameters }>('/v2/model/info', readable, async (request) => {
    const q = request.query;
    const search = q.search?.toLowerCase();
    const all = (await list(request)).filter((e) => search === undefined || e.model_name.toLowerCase().includes(search));
    const page = positiveIntParam(q.page, 'page') ?? 1;
    const size = Math.min(positiveIntParam(q.size, 'size') ?? 50, 500);
    return { data: all.slice((page - 1) * size, page * size), total_count: all.length, current_page: page, total_pages: Math.ceil(all.length / size), size };
  });

  app.post('/model/new', async (request) => {
    const body = parseBody(modelNewRequestSchema, request.body);
    const { id: requestedId, ...info } = body.model_info ?? {};
    const id = requestedId ?? newId();
    if (live().some((d) => d.id === id) || (await store().get(id))) throw new GatewayError('invalid_request', `A model with id "${id}" already exists`, { param: 'model_info.id' });
    const input: StoredModelInput = { id, modelName: body.model_name, litellmParams: { ...body.litellm_params }, modelInfo: info };
    const deployment = check(input);
    await store().insert(input);
    await apply();
    const followed = deps.activeModel && deps.followWorkingModels ? await followFirstWorkingModel({ activeModel: deps.activeModel, router: deps.router, probe: deps.probe }, deployment) : undefined;
    if (followed) request.log.info({ alias: followed.alias, from: followed.from, to: followed.to }, `${followed.alias} now points at ${followed.to}: ${followed.from} did not answer`);
    return { ...describeDeployment(deployment), ...(followed ? { active_model_followed: followed } : {}) };
  });

  app.post('/model/update', async (request) => {
    const body = parseBody(modelUpdateRequestSchema, request.body);
    const id = body.id ?? body.model_info?.id;
    if (id === undefined) throw new GatewayError('invalid_request', 'Send the model id as model_info.id', { param: 'model_info.id' });
    const refused = readOnly(id);
    if (refused) throw refused;
    const existing = await store().get(id);
    if (!existing) throw new GatewayError('not_found', `There is no dashboard-managed model with id "${id.slice(0, 128)}"`, { param: 'model_info.id' });
    const { id: _ignored, ...infoPatch } = body.model_info ?? {};
    const input: StoredModelInput = {
      id,
      modelName: body.model_name ?? existing.modelName,
      litellmParams: patch(existing.litellmParams, body.litellm_params ?? {}),
      modelInfo: patch(existing.modelInfo, infoPatch),
    };
    const deployment = check(input);
    await store().replace(input);
    await apply();
    return describeDeployment(deployment);
  });

  app.post('/model/delete', async (request) => {
    const { id, active_model: nextActive } = parseBody(modelDeleteRequestSchema, request.body);
    const refused = readOnly(id);
    if (refused) throw refused;
    const doomed = live().find((d) => d.id === id);
    const groupGoes = doomed !== undefined && live().every((d) => d.id === id || d.modelName !== doomed.modelName);
    // Checked before anything is deleted: a bad choice deletes nothing.
    if (nextActive !== undefined) {
      const remaining = new Set(live().filter((d) => d.id !== id).map((d) => d.modelName));
      if (!remaining.has(nextActive)) {
        const names = [...remaining].map((n) => `"${n}"`).join(', ') || 'none would remain';
        throw new GatewayError('invalid_request', `active_model must be a model group that remains after the delete: ${names}`, { param: 'active_model' });
      }
    }
    const wasActive = deps.activeModel !== undefined && doomed !== undefined && deps.activeModel.state().model === doomed.modelName;
    if (!(await store().delete(id))) throw new GatewayError('not_found', `There is no dashboard-managed model with id "${id.slice(0, 128)}"`, { param: 'id' });
    await apply();
    const active = deps.activeModel;
    // The alias never keeps pointing at a group that is gone: it goes where the caller said or,
    // unasked, back to the default (the first group), which says so in the answer.
    const moved = active === undefined ? undefined
      : nextActive !== undefined ? await active.switchTo(nextActive)
        : groupGoes && wasActive ? await active.useDefault() : undefined;
    if (moved === undefined) return { id, message: `Model ${id} deleted` };
    const where = moved.model === null ? 'no model (none is left)' : moved.model;
    return { id, message: `Model ${id} deleted; ${moved.alias} now points at ${where}`, active_model: { alias: moved.alias, model: moved.model } };
  });

  app.post('/model/test', async (request): Promise<ModelTestResult> => {
    const { model } = parseBody(modelTestRequestSchema, request.body);
    const router = deps.router();
    const group = router.resolve(model);
    const deployment = group ? (router.pick(group) ?? group.deployments[0]) : live().find((d) => d.id === model);
    if (!deployment) throw new GatewayError('model_not_found', `The model "${model.slice(0, 256)}" does not exist on this gateway`, { param: 'model' });
    return testDeployment(deps.probe, deployment, deps.testTimeoutMs ?? DEFAULT_TEST_TIMEOUT_MS, request.id);
  });
}

/** One deployment in LiteLLM's /model/info entry shape, plus where it comes from. */
export function describeDeployment(d: Deployment): ModelInfoEntry {
  const credential = d.credential;
  const apiKeyRef = credential.kind === 'env' ? `os.environ/${credential.name}` : credential.kind === 'keychain' ? `keychain/${credential.name}` : undefined;
  const info = { ...d.modelInfo };
  return {
    model_name: d.modelName,
    litellm_params: {
      model: `${d.provider}/${d.upstreamModel}`,
      api_base: d.apiBase,
      ...(apiKeyRef === undefined ? {} : { api_key: apiKeyRef }),
      ...(d.apiVersion === undefined ? {} : { api_version: d.apiVersion }),
      ...(d.rpm === undefined ? {} : { rpm: d.rpm }),
      ...(d.tpm === undefined ? {} : { tpm: d.tpm }),
      ...(d.weight === undefined ? {} : { weight: d.weight }),
      ...(d.order === undefined ? {} : { order: d.order }),
      ...(d.supportsResponses === undefined ? {} : { supports_responses: d.supportsResponses }),
      timeout: d.timeouts.firstByteMs / 1000,
      stream_timeout: d.timeouts.idleMs / 1000,
    },
    model_info: {
      ...info,
      id: d.id,
      db_model: d.source.kind === 'database',
      source: d.source.kind,
      source_file: d.source.kind === 'config' ? d.source.file : null,
      provider: d.provider,
      protocol: d.protocol,
      credential: credential.kind,
      input_cost_per_token: d.pricing.inputCostPerToken ?? null,
      output_cost_per_token: d.pricing.outputCostPerToken ?? null,
      max_input_tokens: d.maxInputTokens ?? null,
      max_output_tokens: d.maxOutputTokens ?? null,
    },
  };
}

async function testDeployment(probe: ProbeDeps, deployment: Deployment, timeoutMs: number, requestId: string): Promise<ModelTestResult> {
  const started = probe.monotonic();
  const result = (ok: boolean, answer: string | null, error: string | null): ModelTestResult => ({
    ok, model: deployment.modelName, deployment_id: deployment.id, latency_ms: Math.round(probe.monotonic() - started), answer, error,
  });
  let apiKey: string | undefined;
  try {
    const adapter = probe.adapters[deployment.protocol];
    if (!adapter) throw new GatewayError('invalid_request', `No adapter for the ${deployment.protocol} protocol`);
    apiKey = (await probe.resolveCredential(deployment.credential)) || undefined;
    const target = { deployment, apiKey };
    const body = { model: deployment.modelName, messages: [{ role: 'user', content: TEST_PROMPT }], max_tokens: TEST_MAX_TOKENS };
    const call = adapter.buildRequest('chat', body, target, false);
    const response = await sendCheapRequest(probe.upstream, adapter, deployment, call, { timeoutMs, apiKey, maxBytes: 1024 * 1024 });
    if (response.error) return result(false, null, sanitizeProbeError(response.error.message, apiKey));
    if (response.text === undefined) return result(false, null, 'The answer was too large');
    let json: unknown;
    try {
      json = JSON.parse(response.text);
    } catch {
      return result(false, null, 'The upstream answered with something that is not JSON');
    }
    const parsed = adapter.parseResponse('chat', json, target, response.text, requestId);
    return result(true, answerText(parsed.body), null);
  } catch (error) {
    const message = isGatewayError(error) ? error.message : 'The test request failed';
    return result(false, null, sanitizeProbeError(message, apiKey));
  }
}

function answerText(body: Record<string, unknown>): string {
  const choice = (body.choices as { message?: { content?: unknown; reasoning_content?: unknown } }[] | undefined)?.[0];
  const content = choice?.message?.content;
  const text = typeof content === 'string' ? content : Array.isArray(content) ? content.map((p) => (typeof p?.text === 'string' ? p.text : '')).join('') : '';
  return text.length > MAX_ANSWER_CHARS ? `${text.slice(0, MAX_ANSWER_CHARS)}…` : text;
}

/** Shallow merge where null removes a field. */
function patch(base: Record<string, unknown>, changes: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete out[key];
    else if (value !== undefined) out[key] = value;
  }
  return out;
}
