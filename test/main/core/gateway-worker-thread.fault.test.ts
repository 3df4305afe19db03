// The gateway's one worker thread: services attached to it share one thread (one isolate's RSS,
// not one each), a thread that dies tells every service on it once and the next attach starts a
// new one, and the last release ends it. Then the real gateway: the usage writer and the caller
// lookups started from the TypeScript sources run on a single thread.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayWorkerThread, type WorkerAttachment } from '../../../main/core/gateway-worker-thread.js';
import { startGateway, type RunningGateway } from '../../../main/start-gateway.js';
import { createMockUpstream, type MockUpstream } from '../../support/mock-upstream.js';
import { SOURCE_GATEWAY_WORKER } from '../../support/source-gateway-worker.js';

let dir: string;
let echoScript: URL;
const started: Worker[] = [];
const onWorker = (worker: Worker) => started.push(worker);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gateway-worker-thread-'));
  // Speaks the attach protocol: each service's port echoes what it gets, tagged with the service.
  // It says its heap is set up first, as gateway-worker.ts does (or each start waits for it).
  writeFileSync(join(dir, 'echo-worker.mjs'), `import { parentPort, workerData } from 'node:worker_threads';
Atomics.store(workerData.heapSetUp, 0, 1);
Atomics.notify(workerData.heapSetUp, 0);
parentPort.on('message', ({ service, port, data }) => port.on('message', (m) => port.postMessage({ service, data, m })));\n`);
  echoScript = pathToFileURL(join(dir, 'echo-worker.mjs'));
  process.on('worker', onWorker);
});
afterAll(() => {
  process.off('worker', onWorker);
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  started.length = 0;
});

function channel(): { mine: MessagePort; theirs: MessagePort; next(): Promise<unknown> } {
  const { port1, port2 } = new MessageChannel();
  return { mine: port1, theirs: port2, next: () => new Promise((resolve) => port1.once('message', resolve)) };
}

const exited = (worker: Worker) => new Promise<void>((resolve) => (worker.threadId === -1 ? resolve() : worker.once('exit', () => resolve())));

describe('the gateway worker thread', () => {
  it('runs every attached service on one thread, each on its own port', async () => {
    const thread = createGatewayWorkerThread({ script: echoScript });
    const usage = channel();
    const callers = channel();
    const a = thread.attach('usage-batches', usage.theirs, { file: 'x' });
    const b = thread.attach('caller-lookups', callers.theirs);
    usage.mine.postMessage(1);
    callers.mine.postMessage(2);
    expect(await usage.next()).toEqual({ service: 'usage-batches', data: { file: 'x' }, m: 1 });
    expect(await callers.next()).toEqual({ service: 'caller-lookups', m: 2 });
    expect(started).toHaveLength(1);
    // One release keeps the thread for the other; the last ends it.
    await a.release();
    callers.mine.postMessage(3);
    expect(await callers.next()).toEqual({ service: 'caller-lookups', m: 3 });
    const ending = exited(started[0]!);
    await b.release();
    await ending;
    usage.mine.close();
    callers.mine.close();
  });

  it('tells every service once when the thread dies, and starts a new one at the next attach', async () => {
    const thread = createGatewayWorkerThread({ script: echoScript });
    const exits: string[] = [];
    const attachments: WorkerAttachment[] = [];
    for (const service of ['usage-batches', 'caller-lookups'] as const) {
      const attachment = thread.attach(service, channel().theirs);
      attachment.onExit(() => exits.push(service));
      attachments.push(attachment);
    }
    await attachments[0]!.kill();
    await exited(started[0]!);
    await new Promise((resolve) => setImmediate(resolve));
    expect(exits.sort()).toEqual(['caller-lookups', 'usage-batches']);
    const again = channel();
    const attachment = thread.attach('caller-lookups', again.theirs);
    again.mine.postMessage('after');
    expect(await again.next()).toEqual({ service: 'caller-lookups', m: 'after' });
    expect(started).toHaveLength(2);
    await attachment.release();
    again.mine.close();
    expect(exits).toHaveLength(2);
  });
});

describe("the gateway's worker script", () => {
  it('says its heap is set up as soon as it runs, with no service attached (the main thread waits for it)', async () => {
    const heapSetUp = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(SOURCE_GATEWAY_WORKER.script, { workerData: { heapSetUp }, execArgv: SOURCE_GATEWAY_WORKER.execArgv });
    try {
      // From the TypeScript sources it takes seconds to load; the bundle about 20 ms.
      const deadline = Date.now() + 60_000;
      while (Atomics.load(heapSetUp, 0) === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(Atomics.load(heapSetUp, 0)).toBe(1);
    } finally {
      await worker.terminate();
    }
  }, 120_000);
});

describe('the gateway on one worker thread', () => {
  let mock: MockUpstream | undefined;
  let running: RunningGateway | undefined;
  afterEach(async () => {
    await running?.close();
    await mock?.close();
    running = undefined;
    mock = undefined;
  });

  it('writes usage and looks up callers from a single thread', async () => {
    mock = await createMockUpstream();
    const configFile = join(dir, 'config.yaml');
    writeFileSync(configFile, `model_list:\n  - model_name: m\n    litellm_params: { model: openai/up, api_base: "${mock.url}/v1" }\n`);
    running = await startGateway({
      configFile, dataDir: mkdtempSync(join(dir, 'data-')), host: '127.0.0.1', port: 0, masterKey: undefined, env: {},
      log: pino({ level: 'silent' }), dashboardDir: null, usageWorker: SOURCE_GATEWAY_WORKER, callerWorker: SOURCE_GATEWAY_WORKER,
    });
    // The lookup runs from the TypeScript sources here (seconds to load): requests until one is
    // named after this process, not fetch's User-Agent, say both services answered on the thread.
    const deadline = Date.now() + 60_000;
    let apps: string[] = [];
    while (!apps.some((app) => app !== 'node-fetch')) {
      expect(Date.now()).toBeLessThan(deadline);
      const answer = await fetch(`${running.url}/v1/chat/completions`, {
        method: 'POST', body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }), headers: { 'content-type': 'application/json' },
      });
      expect(answer.status).toBe(200);
      running.usage.flush();
      apps = (running.db.db.prepare('SELECT DISTINCT app FROM usage_log').all() as { app: string }[]).map((row) => row.app);
    }
    expect(started).toHaveLength(1);
  }, 120_000);
});
