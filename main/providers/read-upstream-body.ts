// Reads a whole (non-stream) upstream body with a byte cap, and turns upstream error responses
// into client-safe GatewayErrors: at most a short, sanitised excerpt of the provider's message,
// with any key material redacted (ItzCrazyKns/Vane#1124 leaked internal HTML through errors).
import { GatewayError } from '../core/gateway-error.js';
import type { Deployment } from '../core/deployment.js';
import type { ProviderAdapter } from './provider-adapter.js';
import type { UpstreamResponse } from './upstream-client.js';

export const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
const MAX_ERROR_BODY_BYTES = 64 * 1024;
const MAX_EXCERPT_CHARS = 200;

/** Reads the body; past `limit` bytes the upstream is cut off and `onOverflow()` is thrown. */
export async function readCappedBody(body: UpstreamResponse['body'], limit: number, onOverflow: () => GatewayError): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      throw onOverflow();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

export async function readUpstreamError(
  response: UpstreamResponse,
  adapter: ProviderAdapter,
  deployment: Deployment,
  apiKey: string | undefined,
): Promise<GatewayError> {
  let text = '';
  try {
    text = await readCappedBody(response.body, MAX_ERROR_BODY_BYTES, () => new GatewayError('upstream_error', 'too large'));
  } catch {
    // An oversized or broken error body still yields an error for the status.
  }
  const contentType = String(response.headers['content-type'] ?? '');
  let detail: string | undefined;
  if (contentType.includes('json') || text.trimStart().startsWith('{')) {
    try {
      detail = adapter.extractErrorMessage(JSON.parse(text));
    } catch {
      detail = undefined;
    }
  }
  const excerpt = detail === undefined ? '' : `: ${sanitizeExcerpt(detail, apiKey)}`;
  return upstreamStatusError(response.status, deployment, excerpt, parseRetryAfter(response.headers['retry-after']));
}

export function upstreamStatusError(status: number, deployment: Deployment, excerpt: string, retryAfter: number | undefined): GatewayError {
  const who = `Upstream ${deployment.provider} (deployment ${deployment.id}) answered HTTP ${status}`;
  if (status === 401 || status === 403) {
    return new GatewayError('upstream_auth_failed', `${who}: the provider rejected the configured credentials${excerpt}`);
  }
  if (status === 429) {
    return new GatewayError('upstream_rate_limited', `${who}: rate limited${excerpt}`, {
      retryable: true,
      ...(retryAfter === undefined ? {} : { retryAfter }),
    });
  }
  if (status === 408) return new GatewayError('upstream_timeout', `${who}${excerpt}`, { retryable: true });
  if (status >= 500) return new GatewayError('upstream_error', `${who}${excerpt}`, { retryable: true });
  // Other 4xx: the request itself was refused; relay the status so the client can fix it.
  const relayed = status === 400 || status === 404 || status === 413 || status === 422 ? status : 400;
  return new GatewayError('upstream_invalid_request', `${who}${excerpt}`, { status: relayed });
}

export function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  const seconds = Number(text);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(text);
  return Number.isFinite(date) ? Math.max(0, Math.ceil((date - Date.now()) / 1000)) : undefined;
}

/** One line, no control characters, no key material, at most MAX_EXCERPT_CHARS. */
export function sanitizeExcerpt(text: string, apiKey: string | undefined): string {
  let clean = text;
  if (apiKey && apiKey.length >= 4) clean = clean.split(apiKey).join('[redacted]');
  clean = clean
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\b(sk|pk|rk|key|AIza)[-_A-Za-z0-9*.]{8,}/g, '[redacted]')
    .replace(/https?:\/\/\S+/g, '[url]')
    .trim();
  return clean.length > MAX_EXCERPT_CHARS ? `${clean.slice(0, MAX_EXCERPT_CHARS)}…` : clean;
}
