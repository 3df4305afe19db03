// Per-attempt admission (S38): before EVERY upstream call of a request (the first, a retry onto
// another deployment, a `fallbacks` group, the group the context-window guard chose) the key must
// be allowed that deployment's model group, and the meter must cover that deployment's worst
// case. The allow-list rule lives here once, for the first check, the context-window guard and
// every attempt. Never calls an upstream, and never lets an allowed alias stand for other groups.
import { GatewayError, isGatewayError } from '../core/gateway-error.js';
import type { Deployment } from '../core/deployment.js';
import type { Principal } from '../core/principal.js';
import { keyAllowsModel } from '../keys/key-allows-model.js';
import type { Admission } from '../metering/request-meter.js';
import { isStorageError } from '../storage/storage-error.js';
import { toClientError } from './plugins/error-handler.js';

/** What every attempt of one request is admitted against. */
export interface AttemptScope {
  principal: Principal;
  /** The model name the client sent, maybe an alias such as switchboard/active. */
  requestedModel: string;
  /** The group that name resolved to (before any fallback). */
  requestedGroup: string;
  admission: Admission;
}

/** Whether the key may have model group `groupName` serve a request for `requestedModel`. */
export function keyMayUseGroup(principal: Principal, requestedModel: string, requestedGroup: string, groupName: string): boolean {
  if (principal.kind !== 'virtual' && principal.kind !== 'keyless') return true;
  // A keyless client's empty list allows nothing: letting every local process spend on every
  // model must be a choice the user writes down, never a default.
  if (principal.kind === 'keyless' && principal.models.length === 0) return false;
  if (!listAdmits(principal.models, requestedModel, requestedGroup, groupName)) return false;
  // A team key within its team's models, a user's key within the user's: both lists must admit it.
  return principal.kind !== 'virtual' || principal.ownerModels === undefined || listAdmits(principal.ownerModels.models, requestedModel, requestedGroup, groupName);
}

function listAdmits(allowed: readonly string[], requestedModel: string, requestedGroup: string, groupName: string): boolean {
  if (keyAllowsModel(allowed, groupName)) return true;
  // An allowed alias admits the group it points at, and only that one: not the group's fallbacks.
  return groupName === requestedGroup && keyAllowsModel(allowed, requestedModel);
}

/** Whether this caller is limited to a list of models at all (the admin key and open mode are not). */
export function restrictsModels(principal: Principal): boolean {
  return principal.kind === 'keyless' || (principal.kind === 'virtual' && (principal.models.length > 0 || principal.ownerModels !== undefined));
}

export function modelNotAllowed(principal: Principal, model: string): GatewayError {
  if (principal.kind === 'keyless') {
    const allowed = principal.models.length === 0 ? 'none yet' : principal.models.join(', ');
    return new GatewayError('model_not_allowed',
      `Clients without a key may use only the models listed in general_settings.ollama_api.models (now: ${allowed}); ` +
      `add "${model}" there (or under Settings), or send a Switchboard key as "Authorization: Bearer <key>"`, { param: 'model' });
  }
  if (principal.kind === 'virtual' && principal.ownerModels !== undefined && (principal.models.length === 0 || keyAllowsModel(principal.models, model))) {
    // The key's own list admits it (or has none): its team's or user's list is what refuses.
    return new GatewayError('model_not_allowed',
      `This key may not use model "${model}": ${principal.ownerModels.owner} allows only: ${principal.ownerModels.models.join(', ')}`, { param: 'model' });
  }
  const allowed = principal.kind === 'virtual' ? principal.models.join(', ') : '';
  return new GatewayError('model_not_allowed', `This key may not use model "${model}". Allowed models: ${allowed}`, { param: 'model' });
}

/**
 * Admits one attempt on `deployment`, or returns why not: model_not_allowed (no deployment of its
 * group may serve this key), or the meter's refusal of this deployment (budget_exceeded, an
 * unpriced model on a budgeted key). Throws only what must end the request: a storage failure,
 * as the client's 503, never disguised as an upstream error. A Promise only when the meter's
 * cover() went to PostgreSQL; the caller awaits only a Promise.
 */
export function admitAttempt(scope: AttemptScope, deployment: Deployment): GatewayError | undefined | Promise<GatewayError | undefined> {
  if (!keyMayUseGroup(scope.principal, scope.requestedModel, scope.requestedGroup, deployment.modelName)) {
    return modelNotAllowed(scope.principal, deployment.modelName);
  }
  try {
    const covering = scope.admission.cover(deployment);
    return covering instanceof Promise ? covering.then(() => undefined, refusalOf) : undefined;
  } catch (error) {
    return refusalOf(error);
  }
}

function refusalOf(error: unknown): GatewayError {
  if (isGatewayError(error)) return error;
  if (isStorageError(error)) throw toClientError(error);
  throw error;
}

/**
 * A refused later attempt, as the client reads it: the refusal first, then why that deployment
 * was being tried at all (the earlier failure), so "may cost up to $0.30" on a request for a
 * free model makes sense.
 */
export function refusedAfter(refusal: GatewayError, deployment: Deployment, earlier: GatewayError | undefined): GatewayError {
  if (earlier === undefined) return refusal;
  return withMessage(refusal, `${refusal.message} It was to be served by model "${deployment.modelName}" after an earlier attempt failed: ${earlier.message}`);
}

/** The request's final error, naming the fallback groups the key may not use, which were skipped. */
export function withSkippedFallbacks(error: GatewayError, skipped: readonly string[]): GatewayError {
  const names = skipped.map((name) => `"${name}"`).join(', ');
  const note = skipped.length === 1
    ? `Fallback ${names} was not tried: this key may not use it.`
    : `Fallbacks ${names} were not tried: this key may not use them.`;
  const separator = /[.!?]$/.test(error.message) ? ' ' : '. ';
  return withMessage(error, `${error.message}${separator}${note}`);
}

function withMessage(error: GatewayError, message: string): GatewayError {
  return new GatewayError(error.code, message, {
    status: error.status, param: error.param, retryable: error.retryable, headers: error.headers, cause: error,
    ...(error.retryAfter !== undefined ? { retryAfter: error.retryAfter } : {}),
  });
}
