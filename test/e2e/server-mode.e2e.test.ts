// Server mode as an operator runs it behind a load balancer or in Kubernetes: the real CLI on
// 0.0.0.0, reached only over loopback with the Host names a Service, its FQDN and a load
// balancer send; keyless readiness probes; and the SIGTERM drain with a stream in flight.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltCli, killStartedClis, ready, runCli as runCliIn, type Cli } from '../support/cli-process.js';
import { buildOpenAIChunk, createMockUpstream, sseFrame, SSE_DONE_FRAME, type MockUpstream } from '../support/mock-upstream.js';
import { rawRequest } from '../support/raw-http.js';

const MASTER = 'sk-server-mode-master-0123456789';
const HOSTS = 'switchboard,switchboard.team.svc.cluster.local,lb.example.com,*.apps.example.com';
const LAN_READY = /^Switchboard listening on (http:\/\/0\.0\.0\.0:(\d+))$/m;

let work: string;
let upstream: MockUpstream;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'switchboard-server-mode-'));
  expect(ensureBuiltCli()).toBe(true);
  upstream = await createMockUpstream();
}, 120_000);
afterAll(async () => {
  await upstream.close();
  rmSync(work, { recursive: true, force: true });
});
afterEach(killStartedClis);

function serve(name: string, env: Record<string, string>): Cli {
  const config = join(work, `${name}.yaml`);
  writeFileSync(config, `model_list:\n  - model_name: m\n    litellm_params: { model: openai/m, api_key: sk-upstream-unused, api_base: "${upstream.url}/v1" }\n`);
  return runCliIn(['serve', '--host', '0.0.0.0', '--port', '0', '--config', config, '--data-dir', join(work, name)], {
    cwd: work, env: { SWITCHBOARD_MASTER_KEY: MASTER, SWITCHBOARD_ALLOWED_HOSTS: HOSTS, ...env },
  });
}

const get = (path: string, host: string, key?: string) =>
  `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n${key ? `Authorization: Bearer ${key}\r\n` : ''}Connection: close\r\n\r\n`;

function waitFor(read: () => string, pattern: RegExp): Promise<void> {
  return new Promise((resolve) => {
    const check = () => (pattern.test(read()) ? resolve() : setTimeout(check, 20));
    check();
  });
}

describe('switchboard serve behind a load balancer', () => {
  it('accepts the Service name, its FQDN, the load balancer name and explicit wildcard subdomains from SWITCHBOARD_ALLOWED_HOSTS, with or without a port, and refuses others', async () => {
    const cli = serve('hosts', {});
    const port = Number(new URL(await ready(cli, LAN_READY)).port);
    for (const host of ['switchboard', `switchboard:${port}`, 'switchboard:80', 'switchboard.team.svc.cluster.local', `switchboard.team.svc.cluster.local:${port}`, 'lb.example.com', 'lb.example.com:443', 'team.apps.example.com']) {
      expect((await rawRequest(port, get('/v1/models', host, MASTER))).status, host).toBe(200);
    }
    for (const host of ['evil.example', 'apps.example.com', 'switchboard.evil', `lb.example.com.evil:${port}`]) {
      const res = await rawRequest(port, get('/v1/models', host, MASTER));
      expect(res.status, host).toBe(403);
      expect(JSON.parse(res.body).error.code).toBe('forbidden_host');
    }
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
  });

  it('refuses a malformed SWITCHBOARD_ALLOWED_HOSTS entry with exit code 2, naming the variable', async () => {
    const cli = serve('bad-hosts', { SWITCHBOARD_ALLOWED_HOSTS: 'switchboard,*.com' });
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toMatch(/^switchboard: config error: SWITCHBOARD_ALLOWED_HOSTS: "\*\.com" must be a host name/);
  });

  it('answers a keyless readiness probe with its status only, and the detailed report to a key; a bad key is still refused', async () => {
    const cli = serve('probes', {});
    const port = Number(new URL(await ready(cli, LAN_READY)).port);
    const keyless = await rawRequest(port, get('/health/readiness', 'switchboard'));
    expect(keyless.status).toBe(200);
    expect(JSON.parse(keyless.body)).toEqual({ status: 'ready' });
    const detailed = await rawRequest(port, get('/health/readiness', 'switchboard', MASTER));
    expect(detailed.status).toBe(200);
    expect(JSON.parse(detailed.body)).toMatchObject({ status: 'connected', db: 'connected', models: 1 });
    expect((await rawRequest(port, get('/health/readiness', 'switchboard', 'sk-not-a-key-0123456789'))).status).toBe(401);
    expect((await rawRequest(port, get('/health/liveliness', 'switchboard'))).status).toBe(200);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
  });

  it('on SIGTERM fails readiness at once while still serving, lets the stream in flight finish, and exits 0', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const chunk = (content: string, finish: string | null) => sseFrame(buildOpenAIChunk({ id: 'chatcmpl-drain', created: 1 }, 'm', [{ index: 0, delta: { content }, finish_reason: finish }]));
    // Per path: the CLI's start-up check of local model servers also asks this upstream for /v1/models.
    upstream.setDefault({
      kind: 'per-request',
      choose: ({ path }) => (!path.endsWith('/chat/completions') ? { kind: 'ok' } : {
        kind: 'raw',
        handler: (_req, res: ServerResponse) => {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write(chunk('Hello', null));
          void released.then(() => res.end(chunk(' world', 'stop') + SSE_DONE_FRAME));
        },
      }),
    });
    const cli = serve('drain', { SWITCHBOARD_LOG_LEVEL: 'info', SWITCHBOARD_LOG_FORMAT: 'json', SWITCHBOARD_DRAIN_DELAY_SECONDS: '4', SWITCHBOARD_SHUTDOWN_GRACE_SECONDS: '25' });
    const port = Number(new URL(await ready(cli, LAN_READY)).port);
    const client = new OpenAI({ apiKey: MASTER, baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const iterator = stream[Symbol.asyncIterator]();
    // The gateway may open with a role-only chunk; the upstream's first words are what is in flight.
    let head = '';
    while (head === '') head = (await iterator.next()).value?.choices[0]?.delta.content ?? '';
    expect(head).toBe('Hello');

    cli.child.kill('SIGTERM');
    await waitFor(cli.stderr, /draining/);
    const probe = await rawRequest(port, get('/health/readiness', 'switchboard.team.svc.cluster.local'));
    expect(probe.status).toBe(503);
    expect(JSON.parse(probe.body)).toEqual({ status: 'not_ready' });
    const detailed = await rawRequest(port, get('/health/readiness', 'switchboard', MASTER));
    expect(JSON.parse(detailed.body)).toMatchObject({ status: 'not_ready', reason: 'draining' });
    // Until the load balancer has noticed, requests routed here are still served.
    expect((await rawRequest(port, get('/v1/models', 'lb.example.com', MASTER))).status).toBe(200);

    release();
    let rest = '';
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest += next.value.choices[0]?.delta.content ?? '';
    expect(rest).toBe(' world');
    expect(await cli.exited).toBe(0);
  });

  it('exits at once on a second SIGTERM while a stream is still in flight', async () => {
    upstream.setDefault({
      kind: 'per-request',
      choose: ({ path }) => (!path.endsWith('/chat/completions') ? { kind: 'ok' } : { kind: 'stall-after-n-chunks', n: 1 }),
    });
    const cli = serve('second-signal', { SWITCHBOARD_LOG_LEVEL: 'info', SWITCHBOARD_LOG_FORMAT: 'json', SWITCHBOARD_DRAIN_DELAY_SECONDS: '600', SWITCHBOARD_SHUTDOWN_GRACE_SECONDS: '600' });
    const port = Number(new URL(await ready(cli, LAN_READY)).port);
    const client = new OpenAI({ apiKey: MASTER, baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    cli.child.kill('SIGTERM');
    await waitFor(cli.stderr, /draining/);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(1);
    expect(cli.stderr()).toMatch(/second signal/);
    upstream.setDefault({ kind: 'ok' });
  });
});
