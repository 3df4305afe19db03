// The SDKs as installed here, sending to a loopback server that captures their real headers: an
// SDK upgrade that changes its User-Agent fails here, not silently in the usage ledger.
import { describe, expect, it } from 'vitest';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { Ollama } from 'ollama';
import { guessApp } from '../../../main/metering/guess-app.js';

describe('guess-app with the real SDKs', () => {
  it.each([
    ['openai (JS)', 'openai-js', (baseURL: string) => new OpenAI({ baseURL, apiKey: 'sk-test', maxRetries: 0 }).models.list()],
    ['@anthropic-ai/sdk (JS)', 'anthropic-js', (baseURL: string) => new Anthropic({ baseURL, apiKey: 'sk-test', maxRetries: 0 }).models.list()],
    ['ollama (JS)', 'ollama-js', (baseURL: string) => new Ollama({ host: baseURL.replace(/\/v1$/, '') }).list()],
  ])('attributes what the %s client sends to %s', async (_name, app, call) => {
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((request, response) => {
      seen.push(request.headers);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"object":"list","data":[],"has_more":false}');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      await call(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`);
    } finally {
      server.close();
    }
    expect(seen).toHaveLength(1);
    expect(guessApp(seen[0]!['user-agent'], seen[0]!)).toBe(app);
  });
});
