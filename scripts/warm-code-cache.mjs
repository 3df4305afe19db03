// Writes V8's code cache for the CLI bundle (dist/main/switchboard.cjs.cache, read by
// bin/load-cli-bundle.js): compiles the bundle from source, runs what a start-up runs (`serve` on
// a throwaway data directory and a free loopback port, against a mock upstream here, up to a
// first chat completion and a first stream), then serialises everything V8 compiled by then.
// Run by bundle-cli.mjs in a child process started with --semi-space-growth-factor=2 and
// --heap-growing-percent=0 (V8's defaults, so the cache's flag hash is a plain `node`'s, and the
// CLI leaves the young and old generations alone: a flag changed at run time would make V8 reject
// the cache, and every start compile the bundle from source, 80 ms more). Never writes a partial file.
import { mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheStamp, cliBundleFiles, loadCliBundle } from '../bin/load-cli-bundle.js';

const mainDir = fileURLToPath(new URL('../dist/main/', import.meta.url));
const MASTER_KEY = 'sk-warm-up-master-key-0123456789';
const usage = { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 };
const chunk = (delta, extra = {}) => `data: ${JSON.stringify({ id: 'w', object: 'chat.completion.chunk', created: 1, model: 'warm-up', choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;

const upstream = createServer((request, response) => {
  let body = '';
  request.on('data', (data) => (body += data));
  request.on('end', () => {
    if (body.includes('"stream":true')) {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(chunk({ content: 'hi' }) + `data: ${JSON.stringify({ id: 'w', object: 'chat.completion.chunk', created: 1, model: 'warm-up', choices: [], usage })}\n\ndata: [DONE]\n\n`);
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ id: 'w', object: 'chat.completion', created: 1, model: 'warm-up', choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }], usage }));
  });
});
const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
const upstreamPort = await listen(upstream);
const probe = createServer();
const port = await listen(probe);
await new Promise((resolve) => probe.close(resolve));

const dir = mkdtempSync(join(tmpdir(), 'switchboard-warm-up-'));
const config = join(dir, 'config.yaml');
writeFileSync(config, `model_list:\n  - model_name: warm-up\n    litellm_params:\n      model: openai/warm-up\n      api_base: "http://127.0.0.1:${upstreamPort}/v1"\n      api_key: os.environ/SWITCHBOARD_WARM_UP_UPSTREAM_KEY\n`);
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SWITCHBOARD_') && !name.startsWith('LITELLM_') && name !== 'DATABASE_URL'));
Object.assign(env, { SWITCHBOARD_MASTER_KEY: MASTER_KEY, SWITCHBOARD_WARM_UP_UPSTREAM_KEY: 'sk-warm-up-upstream' });

const { main, script } = loadCliBundle(mainDir, { useCache: false });
void main(['serve', '--config', config, '--port', String(port), '--data-dir', join(dir, 'data')], env);

async function chat(stream) {
  const response = await fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${MASTER_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'warm-up', stream, messages: [{ role: 'user', content: 'hi' }] }),
  });
  await response.text();
  if (response.status !== 200) throw new Error(`the warm-up chat answered ${response.status}`);
}

let code = 0;
try {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      await chat(false);
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  await chat(true);
  const { bundle, cache } = cliBundleFiles(mainDir);
  const partial = `${cache}.${process.pid}`;
  writeFileSync(partial, Buffer.concat([cacheStamp(statSync(bundle)), script.createCachedData()]));
  renameSync(partial, cache);
} catch (error) {
  process.stderr.write(`warm-code-cache: no code cache written (start-up only gets slower): ${error instanceof Error ? error.message : String(error)}\n`);
  code = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(code);
