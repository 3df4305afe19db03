// The upstream client never calls outside a deployment's origin (S14), also now that it keeps the
// checked request target of each api_base + path instead of parsing the URL per request (issue 18
// item 4): a target checked once for one origin is no pass for another.
import { text } from 'node:stream/consumers';
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createUpstreamClient } from '../../../main/providers/upstream-client.js';
import { RequestAbort } from '../../../main/core/request-abort.js';
import { deployment } from '../routing/routing-test-kit.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

describe('createUpstreamClient', () => {
  it('refuses an api_base + path off the deployment\'s origin every time, even after the same target was called for its own origin', async () => {
    const paths: string[] = [];
    const server = createServer((request, response) => {
      paths.push(request.url ?? '');
      response.end('{}');
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const client = createUpstreamClient();
    try {
      const good = deployment('good', { apiBase: `http://127.0.0.1:${port}/v1`, origin: `http://127.0.0.1:${port}` });
      const call = { method: 'POST' as const, path: '/chat/completions?x=1', headers: {}, body: '{}' };
      for (let i = 0; i < 2; i++) {
        const answer = await client.send(call, good, new RequestAbort());
        await text(answer.body);
      }
      expect(paths).toEqual(['/v1/chat/completions?x=1', '/v1/chat/completions?x=1']);
      // The same api_base under another origin: a misconfigured deployment, refused before any I/O.
      const elsewhere = deployment('elsewhere', { apiBase: `http://127.0.0.1:${port}/v1`, origin: 'http://127.0.0.2:9' });
      for (let i = 0; i < 2; i++) {
        await expect(client.send(call, elsewhere, new RequestAbort())).rejects.toMatchObject({ code: 'internal_error' });
      }
      // A path that moves the URL to another host.
      const escaping = { ...call, path: '@127.0.0.2:9/x' };
      const bare = deployment('bare', { apiBase: `http://127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}` });
      for (let i = 0; i < 2; i++) {
        await expect(client.send(escaping, bare, new RequestAbort())).rejects.toMatchObject({ code: 'internal_error' });
      }
      expect(paths).toHaveLength(2);
    } finally {
      await client.close();
    }
  });
});
