// Per-process attribution end to end on Linux: a real gateway (startGateway, SQLite, the lookup
// worker from the TypeScript sources) and real client programs with distinctive names: a Python
// script (http.client keep-alive and a fresh urllib connection) and a Node script on the official
// openai SDK (keep-alive), with no key in open mode and with the master key, 20 programs with 10
// concurrent requests each, and a program on the Ollama listener. Their usage rows
// carry `sync_notes.py` and `nightly-report.mjs`; with process_attribution: false the same
// programs are named by their User-Agent again.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import pino from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../../main/start-gateway.js';
import { createMockUpstream, type Behaviour, type MockUpstream } from '../../support/mock-upstream.js';
import { SOURCE_CALLER_WORKER } from '../../support/source-caller-worker.js';

const run = promisify(execFile);
const MASTER = 'sk-attribution-master-0123456789';
let dir: string;
let mock: MockUpstream | undefined;
let running: RunningGateway | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchboard-attr-e2e-'));
  // Three requests on one keep-alive connection (http.client), then one on a fresh connection (urllib).
  writeFileSync(join(dir, 'sync_notes.py'), `import http.client, json, os, sys, urllib.request
port, key = int(sys.argv[1]), os.environ.get('GATEWAY_KEY')
headers = {'content-type': 'application/json'}
if key: headers['authorization'] = 'Bearer ' + key
body = json.dumps({'model': 'm', 'messages': [{'role': 'user', 'content': 'notes'}]})
conn = http.client.HTTPConnection('127.0.0.1', port)
for _ in range(3):
    conn.request('POST', '/v1/chat/completions', body, headers)
    r = conn.getresponse(); r.read(); assert r.status == 200, r.status
conn.close()
req = urllib.request.Request('http://127.0.0.1:%d/v1/chat/completions' % port, data=body.encode(), headers=headers)
assert urllib.request.urlopen(req).status == 200
`);
  const openai = pathToFileURL(createRequire(import.meta.url).resolve('openai')).href;
  writeFileSync(join(dir, 'nightly-report.mjs'), `const { default: OpenAI } = await import(${JSON.stringify(openai)});
const client = new OpenAI({ baseURL: 'http://127.0.0.1:' + process.argv[2] + '/v1', apiKey: process.env.GATEWAY_KEY ?? 'none', maxRetries: 0 });
for (let i = 0; i < 3; i++) await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'report' }] });
`);
  return () => rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  await running?.close();
  await mock?.close();
  running = undefined;
  mock = undefined;
});

/**
 * A model that takes 100 ms to answer, as any real one takes longer: a program that connects, is
 * answered at once and exits can be gone before its lookup reads /proc (docs/app-attribution.md).
 */
const SLOW_ANSWER: Behaviour = {
  kind: 'raw',
  handler: (_req, res) => {
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({
      id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'up',
      choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
    })), 100);
  },
};

async function start(options: { masterKey?: string; general?: string; ollamaPort?: number } = {}): Promise<RunningGateway> {
  mock = await createMockUpstream({ defaultBehaviour: SLOW_ANSWER });
  const configFile = join(dir, `config-${Math.random()}.yaml`);
  writeFileSync(configFile, `model_list:\n  - model_name: m\n    litellm_params: { model: openai/up, api_base: "${mock.url}/v1" }\n${options.general ?? ''}`);
  running = await startGateway({
    configFile, dataDir: mkdtempSync(join(dir, 'data-')), host: '127.0.0.1', port: 0, masterKey: options.masterKey, env: {},
    log: pino({ level: 'silent' }), dashboardDir: null, callerWorker: SOURCE_CALLER_WORKER,
    ...(options.ollamaPort === undefined ? {} : { ollamaPort: options.ollamaPort }),
  });
  // The worker runs from the TypeScript sources here (seconds to load, milliseconds when built)
  // and a row waits for its lookup only so long: requests from this process until one is named
  // after it (not after fetch's User-Agent, `node-fetch`) say the worker is ready.
  const deadline = Date.now() + 60_000;
  for (let named = options.general?.includes('process_attribution: false') === true; !named;) {
    const warmUp = await fetch(`${running.url}/v1/chat/completions`, {
      method: 'POST', body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'warm up' }] }),
      headers: { 'content-type': 'application/json', ...(options.masterKey ? { authorization: `Bearer ${options.masterKey}` } : {}) },
    });
    expect(warmUp.status).toBe(200);
    const apps = await rowsFor(running, 1);
    named = Object.keys(apps).some((app) => app !== 'node-fetch');
    running.db.db.prepare('DELETE FROM usage_log').run();
    if (Date.now() > deadline) throw new Error('the attribution worker never answered');
  }
  running.db.db.prepare('DELETE FROM usage_log').run();
  return running;
}

/** Runs both programs against the gateway, then the apps of its usage rows (waiting for rows still being named). */
async function appsAfterPrograms(gateway: RunningGateway, key?: string): Promise<Record<string, number>> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.GATEWAY_KEY;
  if (key) env.GATEWAY_KEY = key;
  await Promise.all([
    run('python3', [join(dir, 'sync_notes.py'), String(gateway.port)], { env }),
    run(process.execPath, [join(dir, 'nightly-report.mjs'), String(gateway.port)], { env }),
  ]);
  return rowsFor(gateway, 7);
}

/** The usage rows' apps once `count` rows are written (rows wait for their lookup), or what is there after 30 s. */
async function rowsFor(gateway: RunningGateway, count: number): Promise<Record<string, number>> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    gateway.usage.flush();
    const rows = gateway.db.db.prepare('SELECT app, COUNT(*) AS n FROM usage_log GROUP BY app').all() as { app: string; n: number }[];
    const total = rows.reduce((sum, row) => sum + row.n, 0);
    if (total >= count || Date.now() > deadline) return Object.fromEntries(rows.map((row) => [row.app, row.n]));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('per-process attribution through the gateway', () => {
  it('names the rows of a Python and a Node program by their scripts, with no key in open mode', async () => {
    const gateway = await start();
    expect(await appsAfterPrograms(gateway)).toEqual({ 'sync_notes.py': 4, 'nightly-report.mjs': 3 });
  });

  it('names them the same way when they send the master key', async () => {
    const gateway = await start({ masterKey: MASTER });
    expect(await appsAfterPrograms(gateway, MASTER)).toEqual({ 'sync_notes.py': 4, 'nightly-report.mjs': 3 });
  });

  it('files 200 concurrent requests from 20 programs each under its own program', async () => {
    const gateway = await start();
    const script = `const port = process.argv[2];
const body = JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'fan out' }] });
const answers = await Promise.all(Array.from({ length: 10 }, () => fetch('http://127.0.0.1:' + port + '/v1/chat/completions', { method: 'POST', body, headers: { 'content-type': 'application/json' } })));
if (answers.some((answer) => answer.status !== 200)) process.exit(1);
// Alive a second after its answers, as a program with more to do is: on a loaded machine one that
// exits at once can be gone before its connections' lookup reads /proc (the documented limit
// this test is not about).
await new Promise((resolve) => setTimeout(resolve, 1000));
`;
    for (let i = 0; i < 20; i++) writeFileSync(join(dir, `fan-out-${i}.mjs`), script);
    await Promise.all(Array.from({ length: 20 }, (_, i) => run(process.execPath, [join(dir, `fan-out-${i}.mjs`), String(gateway.port)])));
    expect(await rowsFor(gateway, 200)).toEqual(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`fan-out-${i}.mjs`, 10])));
  });

  it("names a program calling the Ollama listener's port after its script", async () => {
    const gateway = await start({ ollamaPort: 0 });
    expect(gateway.ollamaUrl).toBeDefined();
    writeFileSync(join(dir, 'ollama_digest.py'), `import json, sys, urllib.request
body = json.dumps({'model': 'm', 'messages': [{'role': 'user', 'content': 'digest'}], 'stream': False}).encode()
assert urllib.request.urlopen(urllib.request.Request(sys.argv[1] + '/api/chat', data=body, headers={'content-type': 'application/json'})).status == 200
`);
    await run('python3', [join(dir, 'ollama_digest.py'), gateway.ollamaUrl!]);
    expect(await rowsFor(gateway, 1)).toEqual({ 'ollama_digest.py': 1 });
  });

  it('names them by their User-Agent again with general_settings.process_attribution: false', async () => {
    const gateway = await start({ general: 'general_settings:\n  process_attribution: false\n' });
    const apps = await appsAfterPrograms(gateway);
    expect(apps['nightly-report.mjs']).toBeUndefined();
    expect(apps['sync_notes.py']).toBeUndefined();
    expect(apps['openai-js']).toBe(3);
  });
});
