// GatewayError: the only error type the request path throws on purpose. It carries a stable
// code from shared/gateway-error-codes.ts and ids, never secrets, upstream bodies beyond a short
// sanitised excerpt, or URLs with query strings.
import { GATEWAY_ERRORS, type GatewayErrorCode, type OpenAIErrorBody } from '../../shared/gateway-error-codes.js';

export interface GatewayErrorOptions {
  /** Overrides the catalogue status (e.g. an upstream 400 relayed as 400). */
  status?: number;
  param?: string | null;
  /** Safe to retry on another attempt: only before the first byte reached the client. */
  retryable?: boolean;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  headers?: Record<string, string>;
  cause?: unknown;
  /** The HTTP status the upstream answered with, when this error is its answer (for the usage log). */
  upstreamStatus?: number;
  /** A short, sanitised excerpt of the upstream's error body (for the usage log, never the client). */
  upstreamExcerpt?: string;
  /** The virtual key an authentication refusal is about (a blocked or expired one), so its row is that key's: ids and names, never the key. */
  refusedKey?: RefusedKey;
}

export interface RefusedKey {
  id: string;
  alias: string | null;
}

export class GatewayError extends Error {
  readonly code: GatewayErrorCode;
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  readonly retryable: boolean;
  readonly retryAfter: number | undefined;
  readonly headers: Record<string, string>;
  readonly upstreamStatus: number | undefined;
  readonly upstreamExcerpt: string | undefined;
  readonly refusedKey: RefusedKey | undefined;

  constructor(code: GatewayErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.status = options.status ?? GATEWAY_ERRORS[code].status;
    this.type = GATEWAY_ERRORS[code].type;
    this.param = options.param ?? null;
    this.retryable = options.retryable ?? false;
    this.retryAfter = options.retryAfter;
    this.headers = options.headers ?? {};
    this.upstreamStatus = options.upstreamStatus;
    this.upstreamExcerpt = options.upstreamExcerpt;
    this.refusedKey = options.refusedKey;
  }

  toBody(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export function isGatewayError(value: unknown): value is GatewayError {
  return value instanceof GatewayError;
}
