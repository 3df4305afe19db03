import { describe, expect, it } from 'vitest';
import { createOllamaNativePassthrough } from '../../../main/gateway/ollama-native-passthrough.js';
import { GatewayError } from '../../../main/core/gateway-error.js';
import type { Deployment } from '../../../main/core/deployment.js';
import { upstreamCallJson } from '../../support/upstream-call-json.js';

const deployment = (protocol: Deployment['protocol']) => ({ protocol, upstreamModel: 'llama3.2', apiBase: 'http://127.0.0.1:11434' }) as Deployment;

describe('createOllamaNativePassthrough', () => {
  const body = { model: 'local:latest', messages: [{ role: 'user', content: 'hi' }], options: { num_ctx: 32768 }, keep_alive: -1, think: true };

  it('accepts only Ollama deployments', () => {
    const native = createOllamaNativePassthrough({ kind: 'chat', body, requestedModel: 'local:latest', maxKeepAliveSeconds: 1800 });
    expect(native.accepts(deployment('ollama'))).toBe(true);
    expect(native.accepts(deployment('openai'))).toBe(false);
  });

  it('sends the body as sent with the deployment model, explicit stream and keep_alive capped', () => {
    const native = createOllamaNativePassthrough({ kind: 'chat', body, requestedModel: 'local:latest', maxKeepAliveSeconds: 1800 });
    const call = native.buildRequest({ deployment: deployment('ollama'), apiKey: undefined }, true);
    expect(call).toMatchObject({ method: 'POST', path: '/api/chat' });
    expect(call.headers).not.toHaveProperty('authorization');
    expect(upstreamCallJson(call)).toEqual({ model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }], options: { num_ctx: 32768 }, keep_alive: 1800, think: true, stream: true });
  });

  it('passes keep_alive unchanged without a cap, and generate goes to /api/generate', () => {
    const native = createOllamaNativePassthrough({ kind: 'generate', body: { model: 'x', prompt: 'p', keep_alive: '-1' }, requestedModel: 'x', maxKeepAliveSeconds: null });
    const call = native.buildRequest({ deployment: deployment('ollama'), apiKey: 'tok' }, false);
    expect(call.path).toBe('/api/generate');
    expect(call.headers.authorization).toBe('Bearer tok');
    expect(upstreamCallJson(call)).toMatchObject({ keep_alive: '-1', stream: false });
  });

  describe('the client\'s bytes', () => {
    const TEXT = '{"model": "local:latest", "stream": true, "keep_alive": "10m", "messages": [{"role": "user", "content": "caf\\u00e9"}]}';
    const parsed = JSON.parse(TEXT) as Record<string, unknown>;
    const clientBody = { text: TEXT, bytes: Buffer.from(TEXT) };
    const build = (overrides: { body?: Record<string, unknown>; text?: string; cap?: number | null }, stream: boolean) => {
      const text = overrides.text ?? TEXT;
      const native = createOllamaNativePassthrough({
        kind: 'chat', body: overrides.body ?? parsed, requestedModel: 'local:latest', maxKeepAliveSeconds: overrides.cap === undefined ? 1800 : overrides.cap,
        clientBody: overrides.text === undefined ? clientBody : { text, bytes: Buffer.from(text) },
      });
      return native.buildRequest({ deployment: deployment('ollama'), apiKey: undefined }, stream).body;
    };

    it('go upstream as sent, with only the model rewritten, when stream is the one sent and keep_alive is within the cap', () => {
      expect(String(build({}, true))).toBe(TEXT.replace('"local:latest"', '"llama3.2"'));
    });

    it('are not sent when something else changes: keep_alive over the cap, stream not said or said otherwise', () => {
      expect(JSON.parse(String(build({ cap: 60 }, true)))).toMatchObject({ model: 'llama3.2', keep_alive: 60, stream: true });
      const silent = '{"model":"local:latest","messages":[]}';
      expect(JSON.parse(String(build({ text: silent, body: JSON.parse(silent) as Record<string, unknown> }, true)))).toEqual({ model: 'llama3.2', messages: [], stream: true });
      expect(JSON.parse(String(build({}, false)))).toMatchObject({ stream: false });
    });
  });

  it('relays each line with the requested model, skips garbage and the upstream error line, and ends a break with one error line', () => {
    const native = createOllamaNativePassthrough({ kind: 'chat', body, requestedModel: 'local:latest', maxKeepAliveSeconds: 1800 });
    const encoder = native.encoder();
    expect(encoder.contentType).toBe('application/x-ndjson');
    expect(encoder.event!({ data: '{"model":"llama3.2","message":{"role":"assistant","content":"Hi"},"done":false}' }))
      .toBe('{"model":"local:latest","message":{"role":"assistant","content":"Hi"},"done":false}\n');
    expect(encoder.event!({ data: 'not json' })).toBe('');
    expect(encoder.event!({ data: '{"error":"model crashed at http://10.0.0.1/x?key=s"}' })).toBe('');
    expect(encoder.error(new GatewayError('upstream_error', 'Ollama reported an error mid-stream'))).toBe('{"error":"Ollama reported an error mid-stream"}\n');
  });

  it('renames the model in a whole JSON answer', () => {
    const native = createOllamaNativePassthrough({ kind: 'chat', body, requestedModel: 'local:latest', maxKeepAliveSeconds: 1800 });
    expect(JSON.parse(native.renderJson!('{"model":"llama3.2","done":true}'))).toEqual({ model: 'local:latest', done: true });
  });
});
