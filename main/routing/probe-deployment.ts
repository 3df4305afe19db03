// One cheap call to one configured deployment, with a hard timeout: the adapter's models request
// (OpenAI `/models`, Ollama `/api/tags`) or, without one, a 1-token chat. Used by /health, the
// background checks and local-model discovery. Only ever calls the deployment's own origin (the
// upstream client asserts it); errors come back sanitised: no keys, no query strings.
import { GatewayError, isGatewayError } from '../core/gateway-error.js';
import { readCappedBody, readUpstreamError } from '../providers/read-upstream-body.js';
import type { ProviderAdapter, UpstreamCall } from '../providers/provider-adapter.js';
import { toGatewayError, type UpstreamClient } from '../providers/upstream-client.js';
import type { CredentialResolver } from '../secrets/resolve-credential.js';
import type { Deployment, ProviderProtocol } from '../core/deployment.js';

export interface ProbeDeps {
  adapters: Partial<Record<ProviderProtocol, ProviderAdapter>>;
  upstream: UpstreamClient;
  resolveCredential: CredentialResolver;
  /** Monotonic ms, for latencies. */
  monotonic: () => number;
}

export interface ProbeResult {
  deployment: Deployment;
  healthy: boolean;
  /** From sending the call to the end of the answer (or the failure). */
  latencyMs: number;
  /** The upstream HTTP status when one arrived. */
  status?: number;
  /** Why it is unhealthy, sanitised. */
  error?: string;
}

export interface CheapResponse {
  status: number;
  /** The body as text, capped at `maxBytes` (undefined when over the cap or an error status). */
  text: string | undefined;
  /** For a status >= 400: the sanitised error the request path would have answered with. */
  error?: GatewayError;
}

/** LiteLLM's is 60 s; a local gateway's health page should answer sooner. */
export const DEFAULT_HEALTH_CHECK_TIMEOUT_MS = 10_000;
const PROBE_BODY_BYTES = 1024 * 1024;

/** `model_info.health_check_timeout` (seconds) or the default. */
export function healthCheckTimeoutMs(deployment: Deployment): number {
  const seconds = deployment.modelInfo.health_check_timeout;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : DEFAULT_HEALTH_CHECK_TIMEOUT_MS;
}

export async function probeDeployment(
  deps: ProbeDeps,
  deployment: Deployment,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<ProbeResult> {
  const started = deps.monotonic();
  let apiKey: string | undefined;
  try {
    const adapter = deps.adapters[deployment.protocol];
    if (!adapter) throw new GatewayError('invalid_request', `No adapter for the ${deployment.protocol} protocol of deployment ${deployment.id}`);
    apiKey = (await deps.resolveCredential(deployment.credential)) || undefined;
    const target = { deployment, apiKey };
    const call = adapter.buildModelsRequest
      ? adapter.buildModelsRequest(target)
      : adapter.buildRequest('chat', { model: deployment.upstreamModel, messages: [{ role: 'user', content: 'ping' }], max_tokens: 1 }, target, false);
    const response = await sendCheapRequest(deps.upstream, adapter, deployment, call, {
      timeoutMs: options.timeoutMs ?? healthCheckTimeoutMs(deployment),
      apiKey,
      maxBytes: PROBE_BODY_BYTES,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const latencyMs = deps.monotonic() - started;
    if (response.error) {
      return { deployment, healthy: false, latencyMs, status: response.status, error: sanitizeProbeError(response.error.message, apiKey) };
    }
    return { deployment, healthy: true, latencyMs, status: response.status };
  } catch (error) {
    const gatewayError = isGatewayError(error) ? error : toGatewayError(error, deployment, undefined, 'before-headers');
    return { deployment, healthy: false, latencyMs: deps.monotonic() - started, error: sanitizeProbeError(gatewayError.message, apiKey) };
  }
}

/**
 * Sends one small call and reads its (capped) body within `timeoutMs` overall. A status >= 400
 * comes back with `error` set; no answer at all (refused, timeout, reset) throws a GatewayError.
 * A body over `maxBytes` is cut off and `text` is undefined (the call still counts as answered).
 */
export async function sendCheapRequest(
  upstream: UpstreamClient,
  adapter: ProviderAdapter,
  deployment: Deployment,
  call: UpstreamCall,
  options: { timeoutMs: number; apiKey: string | undefined; maxBytes: number; signal?: AbortSignal },
): Promise<CheapResponse> {
  const { timeoutMs } = options;
  // undici enforces connect and first-byte deadlines per call; our own timer bounds the whole.
  const bounded: Deployment = {
    ...deployment,
    timeouts: {
      connectMs: Math.min(deployment.timeouts.connectMs, timeoutMs),
      firstByteMs: Math.min(deployment.timeouts.firstByteMs, timeoutMs),
      idleMs: Math.min(deployment.timeouts.idleMs, timeoutMs),
    },
  };
  const controller = new AbortController();
  const timedOut = new GatewayError('upstream_timeout', `No answer from deployment ${deployment.id} (${deployment.provider}) within ${formatSeconds(timeoutMs)}`);
  const timer = setTimeout(() => controller.abort(timedOut), timeoutMs);
  timer.unref?.();
  const onOuterAbort = () => controller.abort(new GatewayError('service_unavailable', 'The check was cancelled'));
  if (options.signal?.aborted) onOuterAbort();
  else options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  try {
    const response = await upstream.send(call, bounded, controller.signal).catch((error: unknown) => {
      throw toGatewayError(error, bounded, controller.signal, 'before-headers');
    });
    if (response.status >= 400) {
      return { status: response.status, text: undefined, error: await readUpstreamError(response, adapter, deployment, options.apiKey) };
    }
    let text: string | undefined;
    try {
      text = await readCappedBody(response.body, options.maxBytes, () => new GatewayError('upstream_response_too_large', 'too large'));
    } catch (error) {
      if (isGatewayError(error) && error.code === 'upstream_response_too_large') text = undefined;
      else throw toGatewayError(error, bounded, controller.signal, 'body');
    }
    return { status: response.status, text };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}

/** One line, at most 300 characters, the key redacted, URLs without their query or fragment. */
export function sanitizeProbeError(message: string, apiKey: string | undefined): string {
  let clean = message;
  if (apiKey && apiKey.length >= 4) clean = clean.split(apiKey).join('[redacted]');
  clean = clean
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/(https?:\/\/[^\s?#]*)[?#]\S*/g, '$1')
    .trim();
  return clean.length > 300 ? `${clean.slice(0, 300)}…` : clean;
}

function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}
