// One inference request end to end: validate, route, admit, call upstream, relay (stream or
// JSON), and report exactly one FinishedRequest to the meter on every path. Errors before the
// first byte reach the client as a JSON error with a real status; after it, as an SSE error
// event followed by [DONE]. Never buffers a stream, never retries after output was sent.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError, isGatewayError } from './gateway-error.js';
import { validateInferenceBody } from './validate-inference-body.js';
import { MAX_RESPONSE_BYTES, readCappedBody, readUpstreamError } from './read-upstream-body.js';
import { relayStream } from './relay-stream.js';
import { toGatewayError, type UpstreamClient } from '../providers/upstream-client.js';
import type { EndpointKind, ProviderAdapter, TokenUsage } from '../providers/provider-adapter.js';
import type { ProviderProtocol } from '../routing/deployment.js';
import type { ModelRouter } from '../routing/model-router.js';
import type { CredentialResolver } from '../secrets/resolve-credential.js';
import type { Principal } from './principal.js';
import type { FinishedRequest, RequestMeter, RequestStatus } from './request-meter.js';

export interface InferenceDeps {
  router: () => ModelRouter;
  adapters: Partial<Record<ProviderProtocol, ProviderAdapter>>;
  upstream: UpstreamClient;
  resolveCredential: CredentialResolver;
  meter: RequestMeter;
  /** Epoch ms (wall clock, for records). */
  now: () => number;
  /** Monotonic ms (for latencies). */
  monotonic: () => number;
}

export async function proxyInference(deps: InferenceDeps, endpoint: EndpointKind, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const startedMono = deps.monotonic();
  const startedAt = deps.now();
  const requestId = request.id;
  const principal = (request as FastifyRequest & { principal: Principal }).principal;
  const { body, model, stream, includeUsage } = validateInferenceBody(endpoint, request.body);

  const router = deps.router();
  const group = router.resolve(model);
  if (!group) {
    throw new GatewayError('model_not_found', `The model "${model}" does not exist on this gateway. GET /v1/models lists the available models.`, { param: 'model' });
  }
  if (principal.kind === 'virtual' && principal.models.length > 0 && !principal.models.includes(group.name)) {
    throw new GatewayError('model_not_allowed', `This key may not use model "${model}". Allowed models: ${principal.models.join(', ')}`, { param: 'model' });
  }
  const deployment = router.pick(group);
  const adapter = deps.adapters[deployment.protocol];
  if (!adapter || !adapter.supports(endpoint)) {
    throw new GatewayError('invalid_request', `Model "${model}" (${deployment.provider}) does not support this endpoint`, { param: 'model' });
  }
  const admission = deps.meter.admit({
    requestId, principal, endpoint, requestedModel: model, deployment, body, userAgent: request.headers['user-agent'],
  });

  const abort = new AbortController();
  const onClose = () => {
    if (!reply.raw.writableFinished) abort.abort(new GatewayError('client_closed', 'The client closed the connection'));
  };
  reply.raw.once('close', onClose);

  let status: RequestStatus = 'error';
  let httpStatus = 500;
  let errorCode: string | null = null;
  let usage: TokenUsage | undefined;
  let ttftMs: number | null = null;
  let outputChars = 0;
  try {
    const apiKey = (await deps.resolveCredential(deployment.credential)) || undefined;
    const target = { deployment, apiKey };
    const call = adapter.buildRequest(endpoint, body, target, stream);
    const beforeUpstream = deps.monotonic();
    const response = await deps.upstream.send(call, deployment, abort.signal);
    const upstreamHeadersAt = deps.monotonic();
    if (response.status >= 400) throw await readUpstreamError(response, adapter, deployment, apiKey);

    const headers: Record<string, string> = {
      'x-request-id': requestId,
      'x-switchboard-deployment': deployment.id,
      'x-litellm-model-id': deployment.id,
      'x-litellm-model-group': group.name,
      ...admission.headers,
    };
    const preUpstreamMs = beforeUpstream - startedMono;
    if (stream) {
      headers['x-switchboard-overhead-ms'] = (preUpstreamMs + (deps.monotonic() - upstreamHeadersAt)).toFixed(2);
      headers['x-litellm-overhead-duration-ms'] = headers['x-switchboard-overhead-ms'];
      const result = await relayStream({
        reply, headers, adapter, endpoint, target, requestId, body: response.body, includeUsage, signal: abort.signal,
        onFirstContent: () => { ttftMs = deps.monotonic() - startedMono; },
      });
      usage = result.usage;
      outputChars = result.outputChars;
      httpStatus = 200;
      if (result.error) {
        errorCode = result.error.code;
        status = result.error.code === 'client_closed' ? 'client_aborted' : result.error.code === 'upstream_stalled' ? 'upstream_stalled' : 'upstream_error';
      } else {
        status = 'success';
      }
      return;
    }
    let text: string;
    try {
      text = await readCappedBody(response.body, MAX_RESPONSE_BYTES, () =>
        new GatewayError('upstream_response_too_large', `Upstream response exceeded ${MAX_RESPONSE_BYTES / (1024 * 1024)} MiB`));
    } catch (error) {
      throw toGatewayError(error, deployment, abort.signal, 'body');
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new GatewayError('upstream_bad_response', `Upstream ${deployment.provider} (deployment ${deployment.id}) sent a response that is not JSON`);
    }
    const parsed = adapter.parseResponse(endpoint, json, target, text, requestId);
    usage = parsed.usage;
    const overhead = (preUpstreamMs + (deps.monotonic() - upstreamHeadersAt)).toFixed(2);
    headers['x-switchboard-overhead-ms'] = overhead;
    headers['x-litellm-overhead-duration-ms'] = overhead;
    status = 'success';
    httpStatus = 200;
    reply.headers(headers).type('application/json').send(parsed.raw ?? JSON.stringify(parsed.body));
  } catch (error) {
    const gatewayError = isGatewayError(error) ? error : toGatewayError(error, deployment, abort.signal, 'before-headers');
    errorCode = gatewayError.code;
    httpStatus = gatewayError.status;
    status = gatewayError.code === 'client_closed' ? 'client_aborted'
      : gatewayError.code === 'upstream_stalled' ? 'upstream_stalled'
      : gatewayError.code.startsWith('upstream_') ? 'upstream_error' : 'error';
    if (status === 'client_aborted') {
      // Nobody is listening; end quietly.
      if (!reply.sent) reply.hijack();
      return;
    }
    throw gatewayError;
  } finally {
    reply.raw.removeListener('close', onClose);
    if (!abort.signal.aborted) abort.abort();
    const finished: FinishedRequest = {
      requestId, startedAt, latencyMs: deps.monotonic() - startedMono, ttftMs, status, httpStatus, errorCode, usage,
      outputChars, retries: 0, fallbacks: 0, deployment,
    };
    admission.finish(finished);
  }
}
