// One inference request end to end: validate, route, admit, call upstream (with retries across
// the group and fallbacks to other groups, all before the first byte reaches the client and
// within a total deadline), relay (stream or JSON), and report exactly one FinishedRequest to
// the meter on every path. Errors before the first byte are JSON with a real status; after it,
// an SSE error event followed by [DONE]. Never buffers a stream, never retries after output.
import { isUtf8 } from 'node:buffer';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError, isGatewayError } from '../core/gateway-error.js';
import { RequestAbort } from '../core/request-abort.js';
import { validateInferenceBody } from './validate-inference-body.js';
import { admitAttempt, keyMayUseGroup, modelNotAllowed, restrictsModels, refusedAfter, withSkippedFallbacks, type AttemptScope } from './admit-attempt.js';
import { MAX_RESPONSE_BYTES, readCappedBytes, readUpstreamError } from '../providers/read-upstream-body.js';
import { createOpenAISseEncoder, relayStream, type ClientStreamEncoder, type KeepAliveTimer } from './relay-stream.js';
import { intervalKeepAlive } from './interval-keep-alive.js';
import { clientBodyOf } from './client-body-of.js';
import { toGatewayError, type CollectedUpstreamResponse, type UpstreamClient, type UpstreamResponse } from '../providers/upstream-client.js';
import { refuseHtmlAnswer } from '../providers/refuse-html-answer.js';
import { upstreamAddress } from '../providers/describe-upstream.js';
import type { AdapterTarget, AnswerReader, ClientBody, EndpointKind, ParsedResponse, ProviderAdapter, TokenUsage, UpstreamCall } from '../providers/provider-adapter.js';
import { isRecord } from '../providers/parse-json-safely.js';
import type { Deployment, ProviderProtocol } from '../core/deployment.js';
import type { ModelGroup, ModelRouter } from '../routing/model-router.js';
import type { RouterSettings } from '../routing/router-settings.js';
import { guardContextWindow } from '../routing/context-window-guard.js';
import type { CredentialResolver } from '../secrets/resolve-credential.js';
import { principalOf } from './plugins/authenticate.js';
import type { FinishedRequest, RequestFailure, RequestMeter, RequestStatus } from '../metering/request-meter.js';
import { isPolicyRefusal } from '../../shared/gateway-error-codes.js';
import { createTextCapture, preCapBodyText } from '../metering/body-capture.js';
import type { StreamCaps } from '../providers/stream-decoder.js';
import type { CallerLookups } from '../attribution/caller-lookups.js';
import { presentedKey } from './plugins/authenticate.js';

export interface InferenceDeps {
  router: () => ModelRouter;
  settings: () => RouterSettings;
  adapters: Partial<Record<ProviderProtocol, ProviderAdapter>>;
  upstream: UpstreamClient;
  resolveCredential: CredentialResolver;
  meter: RequestMeter;
  /** Epoch ms (wall clock, for records, cooldowns and deadlines). */
  now: () => number;
  /** Monotonic ms (for latencies). */
  monotonic: () => number;
  /** Waits between retries; resolves early (rejects) when the signal aborts. */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Size caps on relayed upstream streams; DEFAULT_STREAM_CAPS when absent. */
  streamCaps?: StreamCaps;
  /** Ticks keep-alive events into streams that have no content yet; every 15 s when absent. */
  streamKeepAlive?: KeepAliveTimer;
  /** Per-process attribution: the lookup of the connection a request came on; absent = off. */
  callers?: Pick<CallerLookups, 'of'>;
}

interface Attempt {
  deployment: Deployment;
  adapter: ProviderAdapter;
  /** Reads the answer: the adapter, or the native format's own reader. */
  reader: AnswerReader;
  target: AdapterTarget;
  /** A non-stream call's 2xx answer comes collected (`collected`), any other with its body as a stream. */
  response: UpstreamResponse | CollectedUpstreamResponse;
  group: ModelGroup;
  /** Set when this deployment got the client's own format (pass-through), not a translation. */
  native: NativeFormat | undefined;
  /** Time this attempt waited for the upstream's response head: not the gateway's overhead. */
  upstreamMs: number;
}

/** How the client wants the answer: OpenAI's wire format unless a route says otherwise. */
export interface ClientFormat {
  /** The OpenAI-format body to route (e.g. translated from an Anthropic request). */
  body: unknown;
  encoder(includeUsage: boolean): ClientStreamEncoder;
  renderJson(parsed: ParsedResponse): string;
  /** Deployments that speak the client's own format get the request natively (see NativeFormat). */
  native?: NativeFormat;
  /**
   * The translated body one deployment is sent, when it differs by deployment (replayed thinking
   * only an Anthropic deployment can read); `body` as validated when absent.
   */
  bodyFor?(deployment: Deployment, body: Record<string, unknown>): Record<string, unknown>;
  /** Headers for an answer translated from `body` (not native): e.g. what the translation dropped. */
  translatedHeaders?(): Record<string, string> | undefined;
}

/**
 * A request in a wire format some deployments serve themselves (Anthropic Messages to
 * `anthropic/` deployments, the Responses API to OpenAI and Azure), sent as-is to those instead
 * of being translated. Everything else stays the same: admission, retries and fallbacks before
 * the first byte, one usage row. The deployment's adapter (or `reader`) reads the answer (usage,
 * in-band errors, the end of a stream); the client gets the upstream's own bytes: the JSON body
 * unchanged, stream events through `encoder().event`.
 */
export interface NativeFormat {
  /** Whether this deployment serves the format natively (and gets the request as sent). */
  accepts(deployment: Deployment): boolean;
  /** The upstream call for one accepted deployment: path from its api_base, its key. */
  buildRequest(target: AdapterTarget, stream: boolean): UpstreamCall;
  encoder(): ClientStreamEncoder;
  /** Reads a native answer the deployment's adapter cannot (another wire format than its own). */
  reader?: AnswerReader;
  /** When set, `body` is only a stand-in for routing: deployments not accepted refuse with it. */
  untranslatable?: GatewayError;
  /**
   * The client's JSON body from the upstream's (already read for usage and errors); the upstream's
   * text unchanged when absent. Ollama's answers name the model the client asked for.
   */
  renderJson?(text: string): string;
}

const OPENAI_FORMAT: ClientFormat = {
  body: undefined,
  encoder: createOpenAISseEncoder,
  renderJson: (parsed) => parsed.raw ?? JSON.stringify(parsed.body),
};

export async function proxyInference(
  deps: InferenceDeps,
  endpoint: EndpointKind,
  request: FastifyRequest,
  reply: FastifyReply,
  // Absent on the OpenAI routes: the client's body as parsed, in OpenAI's format (no per-request
  // object for it, and its JSON text may be forwarded as it came).
  clientFormat?: ClientFormat,
): Promise<void> {
  const format = clientFormat ?? OPENAI_FORMAT;
  const startedMono = deps.monotonic();
  // Time already spent in hooks and body parsing before this handler ran: part of our overhead.
  const beforeHandlerMs = reply.elapsedTime;
  const startedAt = deps.now();
  const requestId = request.id;
  const principal = principalOf(request);
  const { body, model, stream, includeUsage } = validateInferenceBody(endpoint, clientFormat ? clientFormat.body : request.body);
  // The client's own body, to forward as it came where only a value or two change; a route's
  // format body is a translation (its native pass-through forwards the client's body itself).
  const clientBody = clientFormat ? undefined : clientBodyOf(request, request.body);

  const router = deps.router();
  const settings = deps.settings();
  // The connection's process lookup (one per connection, shared by its requests): read, never awaited here.
  const caller = deps.callers?.of(request.raw.socket);
  // Without a key, the active alias may stand for the app's default_model (the meter decides; one comparison otherwise).
  const chosen = deps.meter.modelFor === undefined ? model
    : deps.meter.modelFor({ principal, requestedModel: model, userAgent: request.headers['user-agent'], headers: request.headers, caller });
  // A Promise only when an app's default model waits for its connection's process lookup.
  let group = router.resolve(typeof chosen === 'string' ? chosen : await chosen);
  if (!group) {
    throw new GatewayError('model_not_found', `The model "${model}" does not exist on this gateway. GET /v1/models lists the available models.`, { param: 'model' });
  }
  const requestedGroup = group.name;
  if (!keyMayUseGroup(principal, model, requestedGroup, requestedGroup)) {
    const refusal = modelNotAllowed(principal, model);
    // Refused before admission, but still a request this key made: it leaves its row.
    deps.meter.reject?.({
      requestId, key: principal.kind === 'virtual' ? { id: principal.keyId, alias: principal.alias } : null,
      requestedModel: model, deployment: group.deployments[0]!, userAgent: request.headers['user-agent'],
      headers: request.headers, route: request.routeOptions.url ?? request.url, caller,
    }, refusal);
    throw refusal;
  }
  // Too long for every deployment with a known max_input_tokens: a context-window fallback the
  // key may use, or 400. An empty list allows every model: no predicate (no closure) for it.
  const allows = restrictsModels(principal)
    ? (name: string) => keyMayUseGroup(principal, model, requestedGroup, name)
    : undefined;
  group = guardContextWindow(group, body, router, settings, allows).group;
  const first = router.pick(group) ?? allCoolingDown(router, group, deps.now());
  const admitted = deps.meter.admit({
    requestId, principal, endpoint, requestedModel: model, deployment: first, body, userAgent: request.headers['user-agent'],
    headers: request.headers, route: request.routeOptions.url ?? request.url,
    // A lookup still running names the app when the row is written.
    caller,
  });
  // Awaited only when the meter went to PostgreSQL: SQLite's admission adds no microtask.
  const admission = admitted instanceof Promise ? await admitted : admitted;

  // Read at admission, so a toggle applies to the next request; off, nothing extra is kept.
  const logBodies = admission.logBodies === true;
  const responseCapture = logBodies && stream ? createTextCapture() : undefined;
  let responseText: string | null = null;

  // Not an AbortController: see request-abort.ts (≈7 µs per request saved).
  const abort = new RequestAbort();
  const onClose = () => {
    if (!reply.raw.writableFinished) abort.abort(new GatewayError('client_closed', 'The client closed the connection'));
  };
  reply.raw.once('close', onClose);
  // A client gone while admission awaited PostgreSQL missed the listener: end it as closed now.
  if (admitted instanceof Promise && request.raw.socket?.destroyed === true) onClose();

  let status: RequestStatus = 'error';
  let httpStatus = 500;
  let errorCode: string | null = null;
  let failure: GatewayError | undefined;
  let usage: TokenUsage | undefined;
  let ttftMs: number | null = null;
  let outputChars = 0;
  let retries = 0;
  let fallbacks = 0;
  let served = first;
  try {
    const attempt = await callWithRetries(deps, {
      router, settings, endpoint, body, stream, group, first, signal: abort, requestId, native: format.native, bodyFor: format.bodyFor, clientBody,
      principal, requestedModel: model, requestedGroup, admission,
      onAttempt: (deployment, kind) => {
        served = deployment;
        if (kind === 'retry') retries++;
        else if (kind === 'fallback') fallbacks++;
      },
    });
    const upstreamHeadersAt = deps.monotonic();
    const headers: Record<string, string> = {
      'x-request-id': requestId,
      'x-switchboard-deployment': attempt.deployment.id,
      'x-litellm-model-id': attempt.deployment.id,
      'x-litellm-model-group': attempt.group.name,
      'x-litellm-attempted-retries': String(retries),
      'x-litellm-attempted-fallbacks': String(fallbacks),
      ...admission.headers,
    };
    if (!attempt.native && format.translatedHeaders) Object.assign(headers, format.translatedHeaders());
    const endInFlight = router.health.begin(attempt.deployment.id);
    try {
      if (stream) {
        headers['x-switchboard-overhead-ms'] = (beforeHandlerMs + upstreamHeadersAt - startedMono - attempt.upstreamMs).toFixed(2);
        headers['x-litellm-overhead-duration-ms'] = headers['x-switchboard-overhead-ms'];
        const result = await relayStream({
          reply, headers, reader: attempt.reader, endpoint, target: attempt.target, requestId, body: streamedBody(attempt.response),
          encoder: attempt.native ? attempt.native.encoder() : format.encoder(includeUsage), signal: abort,
          onFirstContent: () => {
            ttftMs = deps.monotonic() - startedMono;
          },
          capture: responseCapture,
          caps: deps.streamCaps,
          keepAlive: deps.streamKeepAlive ?? DEFAULT_KEEP_ALIVE,
        });
        if (responseCapture) responseText = responseCapture.text();
        usage = result.usage;
        outputChars = result.outputChars;
        httpStatus = 200;
        if (result.error) {
          errorCode = result.error.code;
          failure = result.error;
          status = statusOf(result.error);
          if (status === 'upstream_error' || status === 'upstream_stalled') router.health.recordFailure(attempt.deployment.id, undefined);
        } else {
          status = 'success';
        }
        return;
      }
      let bytes: Buffer;
      try {
        // Collected as it arrived (every client but a test double's send): no stream to read.
        bytes = await (attempt.response.collected ?? readCappedBytes(attempt.response.body, RESPONSE_CAP.limit, RESPONSE_CAP.onOverflow));
      } catch (error) {
        throw toGatewayError(error, attempt.deployment, abort, 'body');
      }
      const text = bytes.toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new GatewayError('upstream_bad_response', `The server for model "${attempt.deployment.modelName}" at ${upstreamAddress(attempt.deployment.apiBase)} sent a response that is not JSON`);
      }
      let parsed = attempt.reader.parseResponse(endpoint, json, attempt.target, text, requestId);
      if (endpoint === 'embeddings') parsed = honourEncodingFormat(body, parsed);
      usage = parsed.usage;
      const sinceHeaders = deps.monotonic() - upstreamHeadersAt;
      const overhead = (beforeHandlerMs + upstreamHeadersAt - startedMono - attempt.upstreamMs + sinceHeaders).toFixed(2);
      headers['x-switchboard-overhead-ms'] = overhead;
      headers['x-litellm-overhead-duration-ms'] = overhead;
      status = 'success';
      httpStatus = 200;
      // A native answer goes back byte for byte; it was parsed above only for its usage and errors.
      const sent = attempt.native ? (attempt.native.renderJson?.(text) ?? text) : format.renderJson(parsed);
      if (logBodies) responseText = preCapBodyText(sent);
      // Unchanged (the same string back), the upstream's own bytes go out: no second UTF-8 encoding
      // and no copy of the answer. Only valid UTF-8, though: what decoding replaced (U+FFFD) is what
      // the client gets, never the invalid bytes themselves.
      reply.headers(headers).type('application/json').send(sent === text && isUtf8(bytes) ? bytes : sent);
    } finally {
      endInFlight();
    }
  } catch (error) {
    const gatewayError = isGatewayError(error) ? error : toGatewayError(error, served, abort, 'before-headers');
    errorCode = gatewayError.code;
    failure = gatewayError;
    httpStatus = gatewayError.status;
    status = statusOf(gatewayError);
    if (status === 'client_aborted') {
      // Nobody is listening; end quietly.
      if (!reply.sent) reply.hijack();
      return;
    }
    reply.header('x-litellm-attempted-retries', String(retries)).header('x-litellm-attempted-fallbacks', String(fallbacks));
    for (const [name, value] of Object.entries(admission.headers)) reply.header(name, value);
    throw gatewayError;
  } finally {
    reply.raw.removeListener('close', onClose);
    // A failed request may leave an upstream body unread: cancel it. A successful one consumed
    // its body, and aborting anyway cost a DOMException per request (4.8% of CPU in the bench).
    if (status !== 'success' && !abort.aborted) abort.abort(REQUEST_ENDED);
    const finished: FinishedRequest = {
      requestId, startedAt, latencyMs: deps.monotonic() - startedMono, ttftMs, status, httpStatus, errorCode, usage,
      outputChars, retries, fallbacks, deployment: served,
    };
    if (failure !== undefined) finished.failure = describeFailure(failure);
    if (logBodies) {
      finished.bodies = { request: preCapBodyText(clientBodyText(request.body)), response: responseText };
      const key = presentedKey(request);
      if (key !== undefined) finished.bodies.presentedKey = key;
    }
    admission.finish(finished);
  }
}

/** The body as the client sent it (already parsed: JSON text again; JSON has one text form per value up to whitespace). */
function clientBodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  try {
    return JSON.stringify(body) ?? '';
  } catch {
    return '';
  }
}

/** Preallocated: an abort without a reason builds a DOMException (with a stack) every time. */
const REQUEST_ENDED = new GatewayError('client_closed', 'The request ended');
const DEFAULT_KEEP_ALIVE = intervalKeepAlive();

interface RetryInput extends AttemptScope {
  router: ModelRouter;
  settings: RouterSettings;
  endpoint: EndpointKind;
  body: Record<string, unknown>;
  stream: boolean;
  group: ModelGroup;
  first: Deployment;
  signal: RequestAbort;
  requestId: string;
  native: NativeFormat | undefined;
  bodyFor: ClientFormat['bodyFor'];
  /** The client's own `body` (its text and bytes), when it may be forwarded as it came. */
  clientBody: ClientBody | undefined;
  onAttempt(deployment: Deployment, kind: 'first' | 'retry' | 'fallback'): void;
}

/**
 * Tries the first deployment, then other deployments of the group (num_retries), then each
 * fallback group in order. Only retryable errors move on; a client error (400) is final.
 * Every attempt is admitted first (admit-attempt.ts): a group the key may not use is skipped
 * whole, a deployment the budget cannot cover is skipped like a failed attempt, and neither is
 * ever called. Returns the first attempt whose upstream answered 2xx; nothing has reached the
 * client yet.
 */
async function callWithRetries(deps: InferenceDeps, input: RetryInput): Promise<Attempt> {
  const { router, settings, signal } = input;
  const deadline = deps.now() + settings.totalDeadlineMs;
  const chain = [input.group, ...(settings.fallbacks.get(input.group.name) ?? []).map((name) => router.resolve(name)).filter((g): g is ModelGroup => g !== undefined)];
  let lastError: GatewayError | undefined;
  // Fallback groups the key may not use; named in the final error when nothing served.
  let skipped: string[] | undefined;
  let kind: 'first' | 'retry' | 'fallback' = 'first';
  for (let g = 0; g < chain.length; g++) {
    const group = chain[g]!;
    const tried = new Set<string>();
    // The deployment chosen for the next attempt while deciding whether to wait for it.
    let planned: Deployment | undefined;
    for (let attemptNo = 0; attemptNo <= settings.numRetries; attemptNo++) {
      const deployment = g === 0 && attemptNo === 0 ? input.first : planned ?? router.pick(group, tried.size < group.deployments.length ? tried : undefined);
      planned = undefined;
      if (!deployment) break;
      if (signal.aborted) throw signal.reason;
      const admitting = admitAttempt(input, deployment);
      const refusal = admitting instanceof Promise ? await admitting : admitting;
      if (refusal !== undefined) {
        // Every deployment of a group serves one model name: the key may use none of them.
        if (refusal.code === 'model_not_allowed') {
          (skipped ??= []).push(group.name);
          break;
        }
        // Out of reach for this request (its budget); another deployment may cost less.
        lastError = refusedAfter(refusal, deployment, lastError);
        tried.add(deployment.id);
        continue;
      }
      input.onAttempt(deployment, kind);
      const started = deps.monotonic();
      try {
        const attempt = await attemptOnce(deps, input, group, deployment);
        attempt.upstreamMs = deps.monotonic() - started;
        router.health.recordSuccess(deployment.id, attempt.upstreamMs);
        return attempt;
      } catch (error) {
        const gatewayError = isGatewayError(error) ? error : toGatewayError(error, deployment, signal, 'before-headers');
        if (gatewayError.code === 'client_closed' || signal.aborted) throw gatewayError;
        lastError = gatewayError;
        if (!movesOn(gatewayError)) throw gatewayError;
        router.health.recordFailure(deployment.id, upstreamStatusOf(gatewayError));
        tried.add(deployment.id);
        // An unreadable keychain key will not become readable by asking again: only another
        // deployment (or fallback group) can help.
        if (gatewayError.code === 'service_unavailable' && tried.size >= group.deployments.length) break;
        kind = 'retry';
        if (attemptNo < settings.numRetries) {
          const wait = Math.min(
            gatewayError.retryAfter !== undefined ? gatewayError.retryAfter * 1000 : settings.retryBackoffMs * 2 ** attemptNo,
            settings.maxRetryAfterMs,
          );
          if (deps.now() + wait >= deadline) throw gatewayError;
          // Retrying the same deployment waits; moving to another one does not.
          const next = router.pick(group, tried.size < group.deployments.length ? tried : undefined);
          // After a wait, cooldowns may have ended: pick again then.
          if (!next || tried.has(next.id)) await deps.sleep(wait, signal.signal);
          else planned = next;
        }
      }
      if (deps.now() >= deadline) throw lastError;
    }
    kind = 'fallback';
  }
  const final = lastError ?? allCoolingDownError(router, input.group, deps.now());
  throw skipped === undefined ? final : withSkippedFallbacks(final, skipped);
}

async function attemptOnce(deps: InferenceDeps, input: RetryInput, group: ModelGroup, deployment: Deployment): Promise<Attempt> {
  const native = input.native?.accepts(deployment) ? input.native : undefined;
  // A 400 and final: another deployment of a translating protocol would refuse it the same way.
  if (!native && input.native?.untranslatable) throw input.native.untranslatable;
  const adapter = deps.adapters[deployment.protocol];
  if (!adapter || !adapter.supports(input.endpoint)) {
    throw new GatewayError('invalid_request', `Model "${deployment.modelName}" (${deployment.provider}) does not support this endpoint`, { param: 'model' });
  }
  const apiKey = (await deps.resolveCredential(deployment.credential)) || undefined;
  const target = { deployment, apiKey };
  let call: UpstreamCall;
  try {
    call = native
      ? native.buildRequest(target, input.stream)
      : input.bodyFor
        ? adapter.buildRequest(input.endpoint, input.bodyFor(deployment, input.body), target, input.stream)
        : adapter.buildRequest(input.endpoint, input.body, target, input.stream, input.clientBody);
  } catch (error) {
    throw unpreparableRequest(error, deployment);
  }
  // A non-stream answer is read whole: collected as it arrives, without a body stream (issue 18).
  const response = input.stream ? await deps.upstream.send(call, deployment, input.signal) : await deps.upstream.send(call, deployment, input.signal, RESPONSE_CAP);
  // Only a 2xx answer that is not HTML is collected: errors and pages come with their body stream.
  if (response.collected === undefined) {
    if (response.status >= 400) throw await readUpstreamError(response, adapter, deployment, apiKey, call.path);
    // Nothing has reached the client yet: a captive portal's page moves on like any upstream error.
    refuseHtmlAnswer(response, deployment);
  }
  return { deployment, adapter, reader: native?.reader ?? adapter, target, response, group, native, upstreamMs: 0 };
}

/** The non-stream answer's cap: past it the upstream is cut off and the client gets this error. */
const RESPONSE_CAP = {
  limit: MAX_RESPONSE_BYTES,
  onOverflow: (): GatewayError => new GatewayError('upstream_response_too_large', `Upstream response exceeded ${MAX_RESPONSE_BYTES / (1024 * 1024)} MiB`),
};

/** A stream's answer: sent without a cap, so never collected. */
function streamedBody(response: UpstreamResponse | CollectedUpstreamResponse): UpstreamResponse['body'] {
  if (response.body === undefined) throw new GatewayError('internal_error', 'A streamed answer arrived collected');
  return response.body;
}

/**
 * Building the upstream call only reads the client's body, so whatever it throws is the client's
 * fault (S40): a 400, final, never counted against the deployment. Taken for a network error, a
 * body too deep to serialise was retried on every deployment and cooled the group down for all.
 */
function unpreparableRequest(error: unknown, deployment: Deployment): GatewayError {
  if (isGatewayError(error)) return error;
  const why = error instanceof RangeError ? 'it nests too deeply' : 'it holds a value this provider\'s format cannot carry';
  return new GatewayError('invalid_request', `The request could not be prepared for model "${deployment.modelName}" (${deployment.provider}): ${why}`, { cause: error });
}

/** Errors that another attempt might fix: retryable ones, and credentials/model problems of one deployment. */
function movesOn(error: GatewayError): boolean {
  // service_unavailable: this deployment's key could not be read from the keychain; another
  // deployment or fallback group may not need it.
  return error.retryable || error.code === 'upstream_auth_failed' || error.code === 'upstream_redirect' || error.code === 'upstream_bad_response'
    || error.code === 'service_unavailable';
}

function upstreamStatusOf(error: GatewayError): number | undefined {
  if (error.code === 'upstream_rate_limited') return 429;
  if (error.code === 'upstream_auth_failed') return 401;
  return undefined;
}

function statusOf(error: GatewayError): RequestStatus {
  if (error.code === 'client_closed') return 'client_aborted';
  if (error.code === 'upstream_stalled') return 'upstream_stalled';
  if (error.code.startsWith('upstream_')) return 'upstream_error';
  // Refused by policy (a limit, the budget, the key's models): not a failure of anything.
  if (isPolicyRefusal(error.code)) return 'rejected';
  return 'error';
}

/** What the usage log keeps of a failure: the message the client got and what the upstream said. */
function describeFailure(error: GatewayError): RequestFailure {
  return {
    message: error.message,
    upstreamStatus: error.upstreamStatus ?? null,
    upstreamExcerpt: error.upstreamExcerpt ?? null,
  };
}

function allCoolingDown(router: ModelRouter, group: ModelGroup, now: number): never {
  throw allCoolingDownError(router, group, now);
}

function allCoolingDownError(router: ModelRouter, group: ModelGroup, now: number): GatewayError {
  const until = router.earliestRecovery(group);
  const seconds = until === undefined ? 1 : Math.max(1, Math.ceil((until - now) / 1000));
  return new GatewayError(
    'no_deployments_available',
    `Every deployment of model "${group.name}" is cooling down after failures; try again in ${seconds} s`,
    { retryAfter: seconds },
  );
}

/**
 * The openai SDKs ask for base64 embeddings unless told otherwise and decode whatever arrives as
 * base64 (openai-node #1312), so an upstream that ignores encoding_format (Ollama's /api/embed
 * always answers floats; so do some OpenAI-compatible servers) would hand the client garbage
 * vectors. Float arrays are encoded here as OpenAI does: float32 little-endian, base64.
 */
function honourEncodingFormat(requestBody: Record<string, unknown>, parsed: ParsedResponse): ParsedResponse {
  const data = parsed.body.data;
  if (requestBody.encoding_format !== 'base64' || !Array.isArray(data)) return parsed;
  let changed = false;
  const encoded = data.map((item: unknown) => {
    if (!isRecord(item) || !Array.isArray(item.embedding) || !item.embedding.every((n) => typeof n === 'number')) return item;
    changed = true;
    const floats = Float32Array.from(item.embedding as number[]);
    return { ...item, embedding: Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64') };
  });
  // The raw upstream text no longer matches what we send, so it must not be forwarded.
  return changed ? { body: { ...parsed.body, data: encoded }, usage: parsed.usage } : parsed;
}
