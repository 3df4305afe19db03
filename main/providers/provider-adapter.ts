// ProviderAdapter: the one interface every upstream protocol implements. An adapter only
// translates between the OpenAI wire format (the gateway's canonical form) and its provider's.
// It never reads config, secrets, the database or the clock, never does I/O, and never builds
// a URL from request data: paths come from the deployment, the origin is checked by the caller.
import type { Deployment } from '../core/deployment.js';

/** Token counts in the gateway's canonical form (OpenAI names, flattened). */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens served from the provider's cache (priced as cache reads). */
  cachedTokens: number;
  /** Prompt tokens written to the provider's cache (Anthropic cache creation). */
  cacheCreationTokens: number;
  /** Completion tokens spent on hidden reasoning. */
  reasoningTokens: number;
}

export type EndpointKind = 'chat' | 'completions' | 'embeddings';

/** What the adapter wants sent; the upstream client adds the origin, pooling and timeouts. */
export interface UpstreamCall {
  method: 'POST' | 'GET';
  /** Path (and fixed query) appended to deployment.apiBase; never from request data. */
  path: string;
  headers: Record<string, string>;
  /** JSON text, or bytes (the client's own, with what the adapter changed spliced in). */
  body?: string | Uint8Array;
}

/** The client's own request body, when it may be forwarded as it came (issue 18 item 3). */
export interface ClientBody {
  /** The JSON text the validated body was parsed from. */
  text: string;
  /** The UTF-8 bytes `text` was strictly decoded from, when the route has them. */
  bytes: Uint8Array | undefined;
}

/** Everything an adapter may know about its target: config data plus the resolved key. */
export interface AdapterTarget {
  deployment: Deployment;
  apiKey: string | undefined;
}

/** One framed unit of an upstream stream: an SSE event, or one NDJSON line. */
export interface StreamEvent {
  event?: string;
  data: string;
  /** `data` parsed, kept by the first reader that parsed it (stream-event-json.ts); never set elsewhere. */
  json?: unknown;
}

/** What a stream translator emits for the client, in OpenAI chunk form. */
export type StreamOutput =
  | {
      type: 'chunk';
      /** The chunk as an object (used by translators downstream, e.g. to Anthropic events). */
      chunk: Record<string, unknown>;
      /** The exact JSON text to forward when the chunk passes through unchanged. */
      raw?: string;
      /** True when this is the usage-only chunk (choices: []), forwarded only if asked for. */
      usageOnly?: boolean;
    }
  | { type: 'usage'; usage: TokenUsage }
  | { type: 'done' };

export interface StreamTranslator {
  /** Translate one upstream event; throws GatewayError on garbage or an in-band error. */
  push(event: StreamEvent): StreamOutput[];
  /** The upstream ended; returns trailing outputs. Throws if the stream ended early. */
  end(): StreamOutput[];
}

export interface ParsedResponse {
  /** OpenAI-shaped body for the client. */
  body: Record<string, unknown>;
  /** The upstream text to forward unchanged, when the body passes through. */
  raw?: string;
  usage: TokenUsage | undefined;
}

export interface ProviderAdapter {
  readonly protocol: Deployment['protocol'];
  /** How the upstream frames a stream. */
  readonly streamFraming: 'sse' | 'ndjson';
  /** Which endpoints this protocol can serve. */
  supports(endpoint: EndpointKind): boolean;
  /**
   * Build the upstream call for an OpenAI-format request body (already validated). `clientBody`,
   * when given, is what `body` was parsed from: an adapter that would send `body` unchanged but
   * for a value or two may send those bytes instead of serialising `body` again.
   */
  buildRequest(endpoint: EndpointKind, body: Record<string, unknown>, target: AdapterTarget, stream: boolean, clientBody?: ClientBody): UpstreamCall;
  /**
   * Translate a non-stream upstream JSON body to OpenAI's shape. `requestId` is unique per
   * request: use it for synthesised ids (tool calls) so they never collide across turns.
   */
  parseResponse(endpoint: EndpointKind, json: unknown, target: AdapterTarget, raw: string, requestId: string): ParsedResponse;
  /** A fresh translator for one streamed response. */
  createStreamTranslator(endpoint: EndpointKind, target: AdapterTarget, requestId: string): StreamTranslator;
  /** Pull the provider's own error message out of an error body (already size-capped). */
  extractErrorMessage(json: unknown): string | undefined;
  /** A cheap call to list models or probe liveness, for health checks and discovery. */
  buildModelsRequest?(target: AdapterTarget): UpstreamCall;
}

/**
 * The half of an adapter that reads an answer: how its stream is framed, the non-stream body,
 * the stream's events. A native pass-through whose wire format differs from its deployment's
 * adapter (the Responses API on an OpenAI deployment) brings its own.
 */
export type AnswerReader = Pick<ProviderAdapter, 'streamFraming' | 'parseResponse' | 'createStreamTranslator'>;

export const ZERO_USAGE: TokenUsage = Object.freeze({
  promptTokens: 0,
  completionTokens: 0,
  cachedTokens: 0,
  cacheCreationTokens: 0,
  reasoningTokens: 0,
});
