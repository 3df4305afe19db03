// /api/show for a model a real Ollama serves: that server's own capabilities and model_info (its
// true context length), fetched from its /api/show on loopback; scalar model_info only; its failure
// falls back to what model_info says. A node:http stand-in plays Ollama.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../../support/test-gateway.js';

const MASTER = 'sk-master-0123456789abcdef';
let ollama: Server;
let url = '';
const shown: unknown[] = [];
let gateway: TestGateway;

beforeAll(async () => {
  ollama = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/api/show') {
        shown.push(JSON.parse(body));
        const model = (JSON.parse(body) as { model: string }).model;
        if (model === 'broken') return void res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"boom"}');
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
          modelfile: 'FROM x', parameters: '', template: '',
          details: { format: 'gguf', family: 'qwen3' },
          model_info: { 'general.architecture': 'qwen3', 'qwen3.context_length': 40960, 'tokenizer.ggml.tokens': ['a', 'b'], 'general.parameter_count': 8190735360 },
          capabilities: ['completion', 'tools', 'thinking'],
        }));
      }
      res.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found');
    });
  });
  await new Promise<void>((resolve) => ollama.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(ollama.address() as { port: number }).port}`;
  gateway = await startTestGateway(`model_list:
  - model_name: local
    litellm_params: { model: ollama_chat/qwen3:8b, api_base: "${url}" }
  - model_name: broken
    litellm_params: { model: ollama_chat/broken, api_base: "${url}" }
    model_info: { supports_function_calling: false }
`, { masterKey: MASTER });
});
afterAll(async () => {
  await gateway.close();
  await new Promise((resolve) => ollama.close(resolve));
});

const show = (model: string) => gateway.app.inject({
  method: 'POST', url: '/api/show', headers: { authorization: `Bearer ${MASTER}`, 'content-type': 'application/json' }, payload: JSON.stringify({ model }),
});

describe('/api/show of a real Ollama model', () => {
  it("answers with that server's capabilities and scalar model_info, asking it for the upstream model name", async () => {
    const body = (await show('local')).json();
    expect(shown).toContainEqual({ model: 'qwen3:8b' });
    expect(body.capabilities).toEqual(['completion', 'tools', 'thinking']);
    expect(body.model_info).toEqual({ 'general.basename': 'local', 'general.architecture': 'qwen3', 'qwen3.context_length': 40960, 'general.parameter_count': 8190735360 });
  });

  it('asks once within the cache time', async () => {
    const before = shown.length;
    await show('local');
    await show('local:latest');
    expect(shown.length).toBe(before);
  });

  it("falls back to model_info when that server's /api/show fails", async () => {
    const res = await show('broken');
    expect(res.statusCode).toBe(200);
    expect(res.json().capabilities).toEqual(['completion']);
    expect(res.json().model_info['general.architecture']).toBe('broken');
  });
});
