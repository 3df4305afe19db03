// Sends adapter-built calls upstream over one keep-alive undici Pool per origin: with undici's
// request API when the answer is relayed as it comes (streams, probes), with requestUpstream when
// it is read whole (a capped `collect`: non-stream calls, request-upstream.ts). Never follows
// redirects (a 3xx is an error: new-api GHSA-9f46-w24h-69w4), never lets a URL leave the
// deployment's origin (S14), enforces connect / first-byte / idle deadlines, and aborts the
// upstream when the caller's signal fires. Errors never contain keys or query strings.
// The pool, its request API and its errors, not undici's index: the index loads fetch, WebSocket,
// the cache and the mock agent too (1.2 MB of the sources bundled into the CLI), parsed and run at
// every start-up for nothing (issue 18, start-up). The index is also what installs `request` on
// every dispatcher's prototype: without it, the pool is called through poolRequest.
// Their types (undici-modules.d.ts) are named here, not only by tsconfig.json's include: the desktop
// app's compilation (tsconfig.app.json) reaches this file through its imports alone.
/// <reference path="./undici-modules.d.ts" />
import Pool from 'undici/lib/dispatcher/pool.js';
import poolRequest from 'undici/lib/api/api-request.js';
import undiciErrors from 'undici/lib/core/errors.js';
import type { Dispatcher } from 'undici';
import { GatewayError } from '../core/gateway-error.js';
import type { CancelSignal } from '../core/request-abort.js';
import type { Deployment } from '../core/deployment.js';
import type { UpstreamCall } from './provider-adapter.js';
import { startServerHint, upstreamAddress } from './describe-upstream.js';
import { requestUpstream, type BodyCap, type CollectedUpstreamResponse, type UpstreamResponse } from './request-upstream.js';

export type { BodyCap, CollectedUpstreamResponse, UpstreamResponse } from './request-upstream.js';

export interface UpstreamClient {
  /** Resolves at the answer's head, its body a stream. */
  send(call: UpstreamCall, deployment: Deployment, signal: CancelSignal): Promise<UpstreamResponse>;
  /**
   * For an answer read whole: a 2xx answer that is not HTML comes collected (at most `collect.limit`
   * bytes), any other with its body as a stream. Resolves at the answer's head either way.
   */
  send(call: UpstreamCall, deployment: Deployment, signal: CancelSignal, collect: BodyCap): Promise<UpstreamResponse | CollectedUpstreamResponse>;
  /** Close every pool (graceful: lets in-flight requests finish). */
  close(): Promise<void>;
}

export interface UpstreamClientOptions {
  /** Sockets per upstream origin. */
  connectionsPerOrigin?: number;
  keepAliveTimeoutMs?: number;
}

const MAX_CACHED_PATHS = 1_000;

export function createUpstreamClient(options: UpstreamClientOptions = {}): UpstreamClient {
  const pools = new Map<string, Pool>();

  function poolFor(deployment: Deployment): Pool {
    const key = `${deployment.origin}|${deployment.timeouts.connectMs}`;
    let pool = pools.get(key);
    if (!pool) {
      pool = new Pool(deployment.origin, {
        connections: options.connectionsPerOrigin ?? 64,
        keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000,
        connect: { timeout: deployment.timeouts.connectMs },
        // The response can legitimately be long (a big completion); our own caps apply per body.
        maxResponseSize: -1,
      });
      pools.set(key, pool);
    }
    return pool;
  }

  // The request target of each (origin, api_base + path) already parsed and checked: parsing a URL
  // cost ~1 µs per request for the same few strings (issue 18 item 4). The key holds both, so the
  // answer is the check's own for that pair. Bounded by the deployments and endpoints configured;
  // emptied if models churn past the cap.
  const paths = new Map<string, string>();

  /** The path and query to request, after checking that api_base + path stays on the deployment's origin (S14). */
  function checkedPath(deployment: Deployment, callPath: string): string {
    const full = deployment.apiBase + callPath;
    const key = `${deployment.origin} ${full}`;
    const known = paths.get(key);
    if (known !== undefined) return known;
    const url = new URL(full);
    if (url.origin !== deployment.origin) {
      throw new GatewayError('internal_error', `Refusing to call outside the configured origin of model "${deployment.modelName}" (${upstreamAddress(deployment.apiBase)})`);
    }
    const path = url.pathname + url.search;
    if (paths.size >= MAX_CACHED_PATHS) paths.clear();
    paths.set(key, path);
    return path;
  }

  function send(call: UpstreamCall, deployment: Deployment, signal: CancelSignal): Promise<UpstreamResponse>;
  function send(call: UpstreamCall, deployment: Deployment, signal: CancelSignal, collect: BodyCap): Promise<UpstreamResponse | CollectedUpstreamResponse>;
  async function send(call: UpstreamCall, deployment: Deployment, signal: CancelSignal, collect?: BodyCap): Promise<UpstreamResponse | CollectedUpstreamResponse> {
    const path = checkedPath(deployment, call.path);
    let response: UpstreamResponse | CollectedUpstreamResponse;
    try {
      if (collect !== undefined) {
        response = await requestUpstream(poolFor(deployment), {
          method: call.method, path, headers: call.headers, body: call.body ?? null, signal,
          headersTimeout: deployment.timeouts.firstByteMs, bodyTimeout: deployment.timeouts.idleMs, collect,
        });
      } else {
        const answer = await poolRequest.call(poolFor(deployment), {
          method: call.method,
          path,
          headers: call.headers,
          body: call.body ?? null,
          // A RequestAbort is the EventEmitter-shaped signal undici accepts (its typings say
          // EventEmitter; it reads only aborted, reason, on/once and removeListener).
          signal: signal as Dispatcher.RequestOptions['signal'],
          headersTimeout: deployment.timeouts.firstByteMs,
          bodyTimeout: deployment.timeouts.idleMs,
        });
        response = { status: answer.statusCode, headers: answer.headers, body: answer.body };
      }
    } catch (error) {
      throw toGatewayError(error, deployment, signal, 'before-headers');
    }
    if (response.status >= 300 && response.status < 400) {
      // Never collected (only 2xx is): its body is a stream, dropped unread.
      response.body?.destroy();
      throw new GatewayError(
        'upstream_redirect',
        `The server for model "${deployment.modelName}" answered HTTP ${response.status} (a redirect) at ${upstreamAddress(deployment.apiBase, call.path)}; ` +
          'redirects are never followed: set api_base to the address it redirects to',
      );
    }
    return response;
  }

  return {
    send,
    async close() {
      await Promise.all([...pools.values()].map((pool) => pool.close().catch(() => pool.destroy())));
      pools.clear();
    },
  };
}

/** Map an undici / socket failure to a client-safe GatewayError naming the model and the address tried. */
export function toGatewayError(error: unknown, deployment: Deployment, signal: CancelSignal | undefined, phase: 'before-headers' | 'body'): GatewayError {
  if (error instanceof GatewayError) return error;
  const address = upstreamAddress(deployment.apiBase);
  const server = `The server for model "${deployment.modelName}" at ${address}`;
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    if (reason instanceof GatewayError) return reason;
    return new GatewayError('client_closed', 'The client closed the connection');
  }
  if (error instanceof undiciErrors.HeadersTimeoutError) {
    return new GatewayError('upstream_timeout', `${server} sent no response within ${seconds(deployment.timeouts.firstByteMs)} s`, { retryable: true });
  }
  if (error instanceof undiciErrors.BodyTimeoutError) {
    return new GatewayError('upstream_stalled', `${server} stopped sending for ${seconds(deployment.timeouts.idleMs)} s`);
  }
  if (error instanceof undiciErrors.ConnectTimeoutError) {
    return new GatewayError('upstream_unavailable', `Could not connect to ${address} (model ${deployment.modelName}): connect timed out; ${startServerHint(deployment)}`, { retryable: true });
  }
  const code = (error as { code?: string } | undefined)?.code;
  if (phase === 'before-headers') {
    if (code === 'ECONNREFUSED') {
      return new GatewayError('upstream_unavailable',
        `Nothing answers at ${address} (model ${deployment.modelName}): connection refused; ${startServerHint(deployment)}`, { retryable: true });
    }
    const reason = code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'host not found; check api_base'
      : code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' ? 'connection reset'
      : code?.startsWith('ERR_TLS') || code?.includes('CERT') ? 'TLS failure; check that api_base uses the scheme the server speaks'
      : 'network error';
    return new GatewayError('upstream_unavailable', `Could not reach ${address} (model ${deployment.modelName}): ${reason}`, { retryable: true });
  }
  return new GatewayError('upstream_bad_response', `${server} closed the connection mid-response`);
}

/** 300 -> "0.3", 120000 -> "120": deadlines may be fractional (timeout: 0.3), never shown as "0 s". */
function seconds(ms: number): string {
  return String(Number((ms / 1000).toFixed(3)));
}
