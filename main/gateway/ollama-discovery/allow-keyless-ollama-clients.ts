// general_settings.ollama_api.allow_without_key: Ollama clients (Copilot Chat, Zed, JetBrains)
// usually send no key, so with the switch on, a loopback request to an /api/* route that carries
// no key at all gets the keyless principal, limited to ollama_api.models and attributed by its
// User-Agent. Everything else authenticates as before: a request that presents any key (even a
// wrong one) uses that key, other routes and other machines always need one. Never widens open
// mode or the admin key, and never reads the presented key itself.
import type { FastifyRequest } from 'fastify';
import type { OllamaApiSettings } from '../../config/ollama-api-settings.js';
import { isLoopbackHost } from '../../core/host-name.js';
import { KEY_HEADERS, type Authenticator } from '../plugins/authenticate.js';
import { rawHeaderValues } from '../plugins/raw-header-values.js';

export function allowKeylessOllamaClients(inner: Authenticator, settings: () => Pick<OllamaApiSettings, 'allowWithoutKey' | 'models'>): Authenticator {
  return {
    // Read through: "Require keys" turns enforcement on while the gateway runs.
    get enforced() {
      return inner.enforced;
    },
    authenticate(request) {
      // Open mode (no admin key) already lets every local request through with every model. The
      // route is checked before the settings are read: /v1/* (the hot path) never builds them.
      if (!inner.enforced || !isOllamaRoute(request)) return inner.authenticate(request);
      const current = settings();
      if (!current.allowWithoutKey || !isLoopbackClient(request) || carriesKey(request)) return inner.authenticate(request);
      return { kind: 'keyless', models: withBareNames(current.models) };
    },
  };
}

/** The matched route's own path (never the raw URL a client could dress up). */
function isOllamaRoute(request: FastifyRequest): boolean {
  const url = request.routeOptions.url;
  return url !== undefined && (url === '/' || url.startsWith('/api/'));
}

/** The TCP peer, not a header: 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6. */
function isLoopbackClient(request: FastifyRequest): boolean {
  const address = request.raw.socket?.remoteAddress ?? request.ip ?? '';
  return isLoopbackHost(address.startsWith('::ffff:') ? address.slice(7) : address);
}

function carriesKey(request: FastifyRequest): boolean {
  return Object.keys(rawHeaderValues(request, KEY_HEADERS)).length > 0;
}

/** `x:latest` in the list also allows a configured `x`: the name clients list it under. */
function withBareNames(models: readonly string[]): string[] {
  const names = new Set(models);
  for (const model of models) {
    if (model.endsWith(':latest') && !model.slice(0, -7).includes(':')) names.add(model.slice(0, -7));
  }
  return [...names];
}
