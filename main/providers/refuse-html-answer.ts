// An upstream that answers 2xx with an HTML page (a captive portal, a login wall, an api_base
// pointing at a web UI) has not answered the API call: this turns that response head into an
// upstream error, so the request moves on like after any other upstream failure. Only HTML is
// refused (JSON, SSE, NDJSON and a missing Content-Type pass); the page is never read or echoed.
import { upstreamAddress } from './describe-upstream.js';
import { GatewayError } from '../core/gateway-error.js';
import type { Deployment } from '../core/deployment.js';
import type { UpstreamResponse } from './upstream-client.js';

const HTML_TYPES: ReadonlySet<string> = new Set(['text/html', 'application/xhtml+xml']);

/** True when a Content-Type header names an HTML document, whatever its parameters or case. */
export function isHtmlContentType(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return false;
  const semicolon = value.indexOf(';');
  return HTML_TYPES.has((semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase());
}

/** Throws upstream_bad_response (and drops the page unread) when a 2xx answer is HTML. */
export function refuseHtmlAnswer(response: UpstreamResponse, deployment: Deployment): void {
  if (!isHtmlContentType(response.headers['content-type'])) return;
  // undici reports an unread body destroyed as an 'error' event: without a listener, a crash.
  response.body.once('error', ignore);
  response.body.destroy();
  throw new GatewayError(
    'upstream_bad_response',
    `The server for model "${deployment.modelName}" at ${upstreamAddress(deployment.apiBase)} answered HTTP ${response.status} with an HTML page instead of an API response; check its api_base, or a network login page in the way`,
  );
}

function ignore(): void {}
