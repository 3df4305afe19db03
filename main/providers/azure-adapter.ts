// Adapter for Azure OpenAI (`azure/` deployments): the OpenAI wire format, reused from the
// OpenAI-compatible adapter, sent to deployment URLs
// `{api_base}/openai/deployments/{deployment}/{chat/completions|completions|embeddings}?api-version=...`
// with the key in the `api-key` header (never Authorization). The deployment name and
// api-version come from config and are refused if they could alter the URL (S14).
import { GatewayError } from '../core/gateway-error.js';
import type { Deployment } from '../core/deployment.js';
import type { EndpointKind, ProviderAdapter, UpstreamCall } from './provider-adapter.js';
import { createOpenAICompatibleAdapter } from './openai-compatible-adapter.js';

/** The latest GA data-plane inference version with stream_options (usage in streams) support. */
export const AZURE_DEFAULT_API_VERSION = '2024-10-21';

/** Older versions reject `stream_options` with a 400 ("Unrecognized request argument"). */
const FIRST_VERSION_WITH_STREAM_OPTIONS = '2024-09-01';

const SUFFIXES: Record<EndpointKind, string> = {
  chat: 'chat/completions',
  completions: 'completions',
  embeddings: 'embeddings',
};

export function createAzureAdapter(): ProviderAdapter {
  const openai = createOpenAICompatibleAdapter({
    authHeader: 'api-key',
    pathFor: (endpoint, target) => `${azurePrefix(target.deployment)}/deployments/${deploymentName(target.deployment)}/${SUFFIXES[endpoint]}?api-version=${apiVersion(target.deployment)}`,
    modelsPath: (target) => `${azurePrefix(target.deployment)}/models?api-version=${apiVersion(target.deployment)}`,
    // The deployment in the URL picks the model; the body's `model` is not read by Azure.
    setModel: false,
  });

  return {
    ...openai,
    protocol: 'azure',
    buildRequest(endpoint, body, target, stream, clientBody): UpstreamCall {
      const takesStreamOptions = !stream || apiVersion(target.deployment) >= FIRST_VERSION_WITH_STREAM_OPTIONS;
      // The client's bytes go as they came (the model is read from the URL) unless stream_options
      // must come out of them: then the body is serialised without it.
      const call = openai.buildRequest(endpoint, body, target, stream, takesStreamOptions ? clientBody : undefined);
      if (takesStreamOptions || typeof call.body !== 'string') return call;
      // An old api_version would 400 on stream_options: stream without it (usage is then estimated).
      const { stream_options: _dropped, ...rest } = JSON.parse(call.body) as Record<string, unknown>;
      return { ...call, body: JSON.stringify(rest) };
    },
  };
}

/** api_base is the resource endpoint (`https://NAME.openai.azure.com`); one ending in /openai works too. */
function azurePrefix(deployment: Deployment): string {
  return deployment.apiBase.endsWith('/openai') ? '' : '/openai';
}

/** Azure deployment names: letters, digits, "-", "_", "." (LiteLLM's `azure/<deployment>`). */
function deploymentName(deployment: Deployment): string {
  const name = deployment.upstreamModel;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || name.includes('..')) {
    throw new GatewayError('internal_error', `Deployment ${deployment.id} has an Azure deployment name that cannot be used in a URL`);
  }
  return name;
}

/** `YYYY-MM-DD` or `YYYY-MM-DD-preview`; anything else could smuggle query parameters. */
function apiVersion(deployment: Deployment): string {
  const version = deployment.apiVersion ?? AZURE_DEFAULT_API_VERSION;
  if (!/^\d{4}-\d{2}-\d{2}(-preview)?$/.test(version)) {
    throw new GatewayError('internal_error', `Deployment ${deployment.id} has an invalid Azure api_version; expected e.g. ${AZURE_DEFAULT_API_VERSION}`);
  }
  return version;
}
