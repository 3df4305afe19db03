// startGateway's readiness: what a load balancer's keyless probe sees while the SQLite file is
// cannot be read and while the gateway drains for shutdown.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../main/start-gateway.js';

let work: string | undefined;
let running: RunningGateway | undefined;
afterEach(async () => {
  await running?.close();
  if (work) rmSync(work, { recursive: true, force: true });
  running = undefined;
  work = undefined;
});

async function start(): Promise<RunningGateway> {
  work = mkdtempSync(join(tmpdir(), 'switchboard-readiness-'));
  const configFile = join(work, 'config.yaml');
  writeFileSync(configFile, 'model_list:\n  - model_name: m\n    litellm_params: { model: openai/m, api_base: "http://127.0.0.1:9/v1" }\n');
  return startGateway({ configFile, dataDir: join(work, 'data'), host: '127.0.0.1', port: 0, masterKey: undefined, env: {}, log: pino({ level: 'silent' }), dashboardDir: null });
}

const probe = async (gateway: RunningGateway) => {
  const res = await gateway.gateway.app.inject({ method: 'GET', url: '/health/readiness', headers: { host: `127.0.0.1:${gateway.port}` } });
  return { status: res.statusCode, body: res.json() as unknown };
};

describe('startGateway readiness', () => {
  it('is 503 not_ready once the database cannot be read', async () => {
    running = await start();
    expect(await probe(running)).toEqual({ status: 200, body: { status: 'ready' } });
    const gateway = running;
    running = undefined;
    gateway.db.db.close();
    expect(await probe(gateway)).toEqual({ status: 503, body: { status: 'not_ready' } });
    await gateway.close().catch(() => undefined);
  });

  it('is 503 not_ready from drain() on, while the other routes still answer', async () => {
    running = await start();
    running.drain();
    expect(await probe(running)).toEqual({ status: 503, body: { status: 'not_ready' } });
    expect((await running.gateway.app.inject({ method: 'GET', url: '/health/liveliness', headers: { host: `127.0.0.1:${running.port}` } })).statusCode).toBe(200);
    expect((await running.gateway.app.inject({ method: 'GET', url: '/v1/models', headers: { host: `127.0.0.1:${running.port}` } })).statusCode).toBe(200);
  });
});
