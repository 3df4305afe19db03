// Builds the `/v1beta/models/{model}` part of every Gemini path from the deployment's
// configured model — never from request data — and refuses a model name that could change the
// path or query (S14: "/", "?", "#", "..", ":"), since it is interpolated into the URL.
import { GatewayError } from '../../core/gateway-error.js';
import type { Deployment } from '../../core/deployment.js';

/** Gemini model ids: "gemini-2.5-flash", "gemini-embedding-001", "gemma-3-27b-it". */
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function geminiModelId(deployment: Deployment): string {
  // LiteLLM configs sometimes carry the API's own "models/" prefix.
  const model = deployment.upstreamModel.startsWith('models/') ? deployment.upstreamModel.slice('models/'.length) : deployment.upstreamModel;
  if (!MODEL_ID.test(model) || model.includes('..')) {
    throw new GatewayError('internal_error', `Deployment ${deployment.id} has a Gemini model name that cannot be used in a URL`);
  }
  return model;
}

/** `{version}/models/{model}`; api_base is the origin, or already ends in the API version. */
export function geminiModelPath(deployment: Deployment): string {
  return `${geminiVersionPrefix(deployment)}/models/${geminiModelId(deployment)}`;
}

export function geminiVersionPrefix(deployment: Deployment): string {
  return /\/v1(beta|alpha)?$/.test(deployment.apiBase) ? '' : '/v1beta';
}
