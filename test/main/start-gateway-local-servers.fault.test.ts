// The first run tells the truth (issue 14, item 2): at start the gateway asks the model servers
// on this machine what they serve and logs one line saying what answers and what does not, with
// the fix. Real sockets: a refused loopback port stands for an Ollama that is not running, the
// scripted mock for a live vLLM/Ollama.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../main/start-gateway.js';
import { createMockUpstream, type MockUpstream } from '../support/mock-upstream.js';
import { refusedPort } from '../support/refused-port.js';

interface LogLine { level: number; msg: string }

let work: string | undefined;
const mocks: MockUpstream[] = [];
let running: RunningGateway | undefined;
afterEach(async () => {
  await running?.close();
  await Promise.all(mocks.splice(0).map((m) => m.close()));
  if (work) rmSync(work, { recursive: true, force: true });
  running = undefined;
  work = undefined;
});

async function start(configYaml: string, checkLocalServers = true): Promise<{ lines: LogLine[]; running: RunningGateway }> {
  work = mkdtempSync(join(tmpdir(), 'switchboard-local-servers-'));
  const configFile = join(work, 'config.yaml');
  writeFileSync(configFile, configYaml);
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString('utf8').split('\n')) if (text.trim()) lines.push(JSON.parse(text) as LogLine);
      done();
    },
  });
  running = await startGateway({
    configFile, dataDir: join(work, 'data'), host: '127.0.0.1', port: 0, masterKey: undefined, env: {},
    log: pino({ level: 'info' }, sink), dashboardDir: null, checkLocalServers,
  });
  await running.localServers;
  return { lines, running };
}

const localServerLines = (lines: LogLine[]) => lines.filter((l) => /models ready|Ollama|answers on|does not list/.test(l.msg));

describe('startGateway: the start-up check of local model servers', () => {
  it('says in one warning that no Ollama runs on the configured port, with the fix', async () => {
    const port = await refusedPort();
    const { lines } = await start(`model_list:\n  - model_name: llama3.2\n    litellm_params: { model: ollama_chat/llama3.2, api_base: "http://127.0.0.1:${port}" }\n`);
    const said = localServerLines(lines);
    expect(said).toHaveLength(1);
    expect(said[0]!.level).toBe(40);
    expect(said[0]!.msg).toBe(`no Ollama on 127.0.0.1:${port} (llama3.2) — start it with \`ollama serve\`, or add a model`);
  });

  it('names the models that answer, and beside them the server that does not', async () => {
    const vllm = await createMockUpstream({ models: ['qwen3'] });
    mocks.push(vllm);
    const port = await refusedPort();
    const { lines } = await start(`model_list:
  - model_name: llama3.2
    litellm_params: { model: ollama_chat/llama3.2, api_base: "http://127.0.0.1:${port}" }
  - model_name: gpt-local
    litellm_params: { model: hosted_vllm/qwen3, api_base: "${vllm.url}/v1" }
`);
    const said = localServerLines(lines);
    expect(said).toHaveLength(1);
    expect(said[0]!.msg).toBe(`models ready: gpt-local (${new URL(vllm.url).host}); no Ollama on 127.0.0.1:${port} (llama3.2) — start it with \`ollama serve\`, or add a model`);
    expect(vllm.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/models']);
  });

  it('logs at info when every local model answers', async () => {
    const vllm = await createMockUpstream({ models: ['qwen3'] });
    mocks.push(vllm);
    const { lines } = await start(`model_list:\n  - model_name: gpt-local\n    litellm_params: { model: hosted_vllm/qwen3, api_base: "${vllm.url}/v1" }\n`);
    const said = localServerLines(lines);
    expect(said.map((l) => [l.level, l.msg])).toEqual([[30, `models ready: gpt-local (${new URL(vllm.url).host})`]]);
  });

  it('tells an Ollama that runs without the model to pull it', async () => {
    const ollama = await createMockUpstream({ models: ['qwen3:8b'] });
    mocks.push(ollama);
    const { lines } = await start(`model_list:\n  - model_name: llama3.2\n    litellm_params: { model: ollama_chat/llama3.2, api_base: "${ollama.url}" }\n`);
    expect(localServerLines(lines).map((l) => l.msg)).toEqual([`Ollama on ${new URL(ollama.url).host} does not have llama3.2 (for llama3.2) — run \`ollama pull llama3.2\``]);
    expect(ollama.requests.map((r) => r.path)).toEqual(['/api/tags']);
  });

  it('never contacts a server that is not on loopback, and says nothing when no model is local', async () => {
    // 192.0.2.0/24 is TEST-NET-1: were it contacted, the check would hang until its timeout.
    const { lines, running: gateway } = await start(`model_list:\n  - model_name: remote\n    litellm_params: { model: hosted_vllm/qwen3, api_base: "http://192.0.2.10:8000/v1" }\n`);
    expect(await gateway.localServers).toEqual([]);
    expect(localServerLines(lines)).toEqual([]);
  });

  it('serves requests before the check has an answer: a server that never answers does not hold up the start', async () => {
    const hanging = await createMockUpstream({ models: ['qwen3'] });
    mocks.push(hanging);
    hanging.setDefault({ kind: 'hang-before-headers' });
    work = mkdtempSync(join(tmpdir(), 'switchboard-local-servers-'));
    const configFile = join(work, 'config.yaml');
    writeFileSync(configFile, `model_list:\n  - model_name: gpt-local\n    litellm_params: { model: hosted_vllm/qwen3, api_base: "${hanging.url}/v1" }\n`);
    running = await startGateway({
      configFile, dataDir: join(work, 'data'), host: '127.0.0.1', port: 0, masterKey: undefined, env: {},
      log: pino({ level: 'silent' }), dashboardDir: null, checkLocalServers: true,
    });
    let settled = false;
    void running.localServers!.then(() => (settled = true));
    const health = await fetch(`${running.url}/health/liveliness`);
    expect(health.status).toBe(200);
    expect(settled).toBe(false);
  });
});
