// The one request body parser: JSON only, strictly. Invalid UTF-8, prototype poisoning (S10) and
// nesting deeper than the limit (S40, S43) are 400s raised before any route sees the body, so
// each route renders them in its own error shape. It never "fixes up" a body, never recurses
// over one, and never echoes body text in an error.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { GatewayError } from '../../core/gateway-error.js';
import { inspectJsonText } from './inspect-json-text.js';

/**
 * Tool JSON Schemas nest (each level of a schema is two JSON levels: `properties`, then the
 * property) and tool_use.input is free-form, so the limit is generous: 128 takes ~60 schema
 * levels. It stays far below where JSON.stringify and the translators' recursive walks overflow
 * the stack (~5,000 levels): a 30 KB body nested that deep once failed every attempt as
 * "upstream unreachable" and cooled the whole group down for other clients.
 */
export const DEFAULT_MAX_JSON_DEPTH = 128;

/**
 * Deepest parse limit under which the parsed text is kept for forwarding as bytes. Far below where
 * JSON.stringify overflows (~5,000 levels), so every body accepted under it is one the gateway
 * could serialise: forwarding its bytes refuses nothing serialising would. Above it (an operator
 * raised the limit), bodies are serialised again, and one too deep for that stays a 400 of the
 * client's (S40) instead of reaching an upstream that fails on it and cools the group down.
 */
export const FORWARDABLE_MAX_DEPTH = 1_000;

export interface JsonBodyParserOptions {
  /** Deepest nesting of arrays/objects accepted; DEFAULT_MAX_JSON_DEPTH when absent. */
  maxDepth?: number | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The JSON text `body` was parsed from (decoded, decompressed), or null without a JSON body.
     * Kept so a body that needs no change can go upstream as the client's bytes (issue 18). It is
     * what the client sent, not what `body` became: a hook that changes `body` (the management
     * zone's scopes do) makes it stale, so only the inference routes, whose body no hook touches,
     * forward it.
     */
    bodyText: string | null;
    /** The UTF-8 bytes `bodyText` was decoded from (null when it is null), forwarded with it. */
    bodyBytes: Buffer | null;
  }
}

export function registerJsonBodyParser(app: FastifyInstance, options: JsonBodyParserOptions = {}): void {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_JSON_DEPTH;
  const tooDeep = `The request body nests JSON deeper than ${maxDepth} levels`;
  const keepText = maxDepth <= FORWARDABLE_MAX_DEPTH;
  app.removeAllContentTypeParsers();
  // Declared up front (not set ad hoc) so every request object keeps one shape.
  app.decorateRequest('bodyText', null);
  app.decorateRequest('bodyBytes', null);
  const jsonParser = app.getDefaultJsonParser('error', 'error');
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  /** A body accepted by either parser: its text and bytes kept for forwarding when they may be. */
  const keepForwardable = (request: FastifyRequest, text: string, bytes: Buffer): void => {
    if (!keepText) return;
    request.bodyText = text;
    request.bodyBytes = bytes;
  };
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      return done(new GatewayError('invalid_json', 'The request body is not valid UTF-8'), undefined);
    }
    // Checked on the text, before parsing: nothing downstream ever holds a value this deep.
    const verdict = inspectJsonText(text, maxDepth);
    if (verdict === 'too-deep') return done(new GatewayError('invalid_json', tooDeep), undefined);
    // No key named __proto__ or constructor anywhere (nearly every body): nothing for the secure
    // parser to refuse, so JSON.parse alone, without its scans of the whole text. A leading BOM
    // (a second one: the decoder removed the first) is the secure parser's to strip, as before.
    if (verdict === 'plain' && text.charCodeAt(0) !== 0xfeff) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        return done(new GatewayError('invalid_json', 'The request body is not valid JSON'), undefined);
      }
      keepForwardable(request, text, body as Buffer);
      return done(null, value);
    }
    jsonParser(request, text, (error, value) => {
      if (error) return done(new GatewayError('invalid_json', error.message.includes('prototype') ? 'The request body contains a forbidden property (__proto__ or constructor.prototype)' : 'The request body is not valid JSON'), undefined);
      keepForwardable(request, text, body as Buffer);
      done(null, value);
    });
  });
}
