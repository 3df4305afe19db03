// The per-connection lookup for real on Linux: a server here accepts connections from child
// processes with distinctive names (a Node script, a Python script) and from this process; the
// worker thread (from the TypeScript sources) finds each one's owner in /proc. Also: 200
// connections from 20 processes at once, a process that exits mid-connection, a worker that
// cannot start, shutdown with lookups in flight, and peers that are not loopback.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCallerLookups, type CallerLookups } from '../../../main/attribution/caller-lookups.js';
import { silentLog } from '../../support/silent-log.js';
import { SOURCE_CALLER_WORKER } from '../../support/source-caller-worker.js';

let dir: string;
let lookups: CallerLookups | undefined;
let server: Server | undefined;
const children: ChildProcess[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchboard-callers-'));
  // Each connects to the port given, sends a line naming itself, and stays until told to go.
  const node = `import { connect } from 'node:net';
const [port, count = '1', label = 'x'] = process.argv.slice(2);
for (let i = 0; i < Number(count); i++) { const s = connect(Number(port), '127.0.0.1', () => s.write(label + ' ' + process.pid + '\\n')); s.on('error', () => {}); }
process.stdin.on('data', () => process.exit(0)); process.stdin.on('end', () => process.exit(0));\n`;
  writeFileSync(join(dir, 'nightly-report.mjs'), node);
  for (let i = 0; i < 20; i++) writeFileSync(join(dir, `worker-${i}.mjs`), node);
  writeFileSync(join(dir, 'quitter.mjs'), `import { connect } from 'node:net';
const s = connect(Number(process.argv[2]), '127.0.0.1', () => { s.write('quitter ' + process.pid + '\\n'); process.exit(0); });\n`);
  writeFileSync(join(dir, 'sync_notes.py'), `import socket, sys, os
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
s.sendall(('sync_notes ' + str(os.getpid()) + '\\n').encode())
sys.stdin.read()\n`);
  return () => rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  for (const child of children.splice(0)) child.kill();
  await lookups?.close();
  lookups = undefined;
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A server that starts a lookup per connection and hands each socket, with the line its client sent, to `onLine`. */
async function listen(onLine: (socket: Socket, line: string) => void, host = '127.0.0.1'): Promise<number> {
  server = createServer((socket) => {
    lookups!.start(socket);
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString();
      if (text.includes('\n')) onLine(socket, text.trim());
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server!.listen(0, host, () => resolve()));
  return (server.address() as { port: number }).port;
}

function run(command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, { cwd: dir, stdio: ['pipe', 'ignore', 'inherit'] });
  children.push(child);
  return child;
}

describe('createCallerLookups on Linux', () => {
  it('names a Node script and a Python script by their file names, with their pids', async () => {
    lookups = createCallerLookups({ log: silentLog, ...SOURCE_CALLER_WORKER });
    const seen = new Map<string, Promise<unknown>>();
    const port = await listen((socket, line) => seen.set(line.split(' ')[0]!, lookups!.of(socket).settle(30_000)));
    const node = run(process.execPath, [join(dir, 'nightly-report.mjs'), String(port), '1', 'nightly']);
    const python = run('python3', [join(dir, 'sync_notes.py'), String(port)]);
    await until(() => seen.size === 2);
    expect(await seen.get('nightly')).toMatchObject({ name: 'nightly-report.mjs', pid: node.pid });
    // pyenv's shim execs the real interpreter: the same pid.
    expect(await seen.get('sync_notes')).toMatchObject({ name: 'sync_notes.py', pid: python.pid });
  });

  it('finds this process for a connection it made itself, over IPv4 and ::1', async () => {
    lookups = createCallerLookups({ log: silentLog, ...SOURCE_CALLER_WORKER });
    for (const host of ['127.0.0.1', '::1']) {
      let found: Promise<unknown> | undefined;
      const port = await listen((socket) => (found = lookups!.of(socket).settle(30_000)), host);
      const { connect } = await import('node:net');
      const client = connect(port, host, () => client.write('me\n'));
      await until(() => found !== undefined);
      expect(await found).toMatchObject({ pid: process.pid });
      client.destroy();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
      server = undefined;
    }
  });

  it('attributes 200 concurrent connections from 20 processes each to its own process', async () => {
    lookups = createCallerLookups({ log: silentLog, ...SOURCE_CALLER_WORKER });
    const results: Promise<[string, unknown]>[] = [];
    const port = await listen((socket, line) => results.push(lookups!.of(socket).settle(30_000).then((found) => [line, found])));
    const pids = new Map<number, string>();
    for (let i = 0; i < 20; i++) {
      const child = run(process.execPath, [join(dir, `worker-${i}.mjs`), String(port), '10', `worker-${i}`]);
      pids.set(child.pid!, `worker-${i}.mjs`);
    }
    await until(() => results.length === 200, 20_000);
    const settled = await Promise.all(results);
    const wrong = settled.filter(([line, found]) => {
      const [label, pid] = line.split(' ');
      const process = found as { name: string; pid: number } | null;
      return process === null || process.pid !== Number(pid) || process.name !== `${label}.mjs`;
    });
    expect(wrong).toEqual([]);
  });

  it('gives null or the right name, never another program, for a process that exits mid-connection', async () => {
    lookups = createCallerLookups({ log: silentLog, ...SOURCE_CALLER_WORKER });
    const found: Promise<unknown>[] = [];
    const port = await listen((socket) => found.push(lookups!.of(socket).settle(30_000)));
    for (let i = 0; i < 5; i++) run(process.execPath, [join(dir, 'quitter.mjs'), String(port)]);
    await until(() => found.length === 5);
    for (const result of await Promise.all(found)) {
      if (result !== null) expect(result).toMatchObject({ name: 'quitter.mjs' });
    }
    // The next program on a fresh connection is named for itself.
    let next: Promise<unknown> | undefined;
    server!.removeAllListeners('connection');
    server!.on('connection', (socket) => {
      lookups!.start(socket);
      socket.once('data', () => (next = lookups!.of(socket).settle(30_000)));
    });
    const child = run(process.execPath, [join(dir, 'nightly-report.mjs'), String(port), '1', 'nightly']);
    await until(() => next !== undefined);
    expect(await next).toMatchObject({ name: 'nightly-report.mjs', pid: child.pid });
  });

  it('names a pid the OS reused for another program after the new program, not from the cache', async () => {
    // A worker that answers the same pid twice: first a Python script, then (new start time) a Node one.
    // It speaks the gateway worker's protocol: the service's port comes in the attach message.
    const scripted = join(dir, 'reused-pid-worker.mjs');
    writeFileSync(scripted, `import { parentPort } from 'node:worker_threads';
const owners = [
  { pid: 4242, exePath: '/usr/bin/python3.11', argv: ['python3', 'sync_notes.py'], ppid: 1, startTime: '1000' },
  { pid: 4242, exePath: '/usr/bin/python3.11', argv: ['python3', 'sync_notes.py'], ppid: 1, startTime: '1000' },
  { pid: 4242, exePath: '/usr/bin/node', argv: ['node', 'nightly-report.mjs'], ppid: 1, startTime: '2000' },
];
let n = 0;
parentPort.on('message', ({ port }) => {
  port.on('message', (request) => port.postMessage({ id: request.id, owner: owners[n++] ?? null, ancestors: [], tookMs: 0 }));
  port.postMessage({ ready: true });
});\n`);
    lookups = createCallerLookups({ log: silentLog, script: new URL(`file://${scripted}`) });
    const socket = (port: number) => ({ remoteAddress: '127.0.0.1', remotePort: port, localAddress: '127.0.0.1', localPort: 4141 }) as Socket;
    const names: unknown[] = [];
    for (const port of [40010, 40011, 40012]) names.push((await lookups.of(socket(port)).settle(30_000)) as unknown);
    expect(names).toEqual([
      { name: 'sync_notes.py', pid: 4242, exePath: '/usr/bin/python3.11' },
      { name: 'sync_notes.py', pid: 4242, exePath: '/usr/bin/python3.11' },
      { name: 'nightly-report.mjs', pid: 4242, exePath: '/usr/bin/node' },
    ]);
  });

  it('answers null at once for a peer that is not loopback, without starting a worker', async () => {
    const warnings: string[] = [];
    lookups = createCallerLookups({ log: { ...silentLog, warn: (_o, msg) => warnings.push(msg) }, script: new URL('file:///nonexistent/worker.mjs') });
    const remote = { remoteAddress: '192.168.1.20', remotePort: 50000, localAddress: '192.168.1.2', localPort: 4141 } as Socket;
    expect(lookups.of(remote).now()).toBeNull();
    expect(warnings).toEqual([]);
  });

  it('falls back to null, never a rejection or a hang, when the worker cannot run', async () => {
    const warnings: string[] = [];
    lookups = createCallerLookups({ log: { ...silentLog, warn: (_o, msg) => warnings.push(msg) }, script: new URL('file:///nonexistent/worker.mjs'), maxRestarts: 1 });
    const sockets = [1, 2, 3].map((n) => ({ remoteAddress: '127.0.0.1', remotePort: 40000 + n, localAddress: '127.0.0.1', localPort: 4141 }) as Socket);
    const answers = await Promise.all(sockets.map((socket) => lookups!.of(socket).settle(30_000)));
    expect(answers).toEqual([null, null, null]);
    expect(warnings.length).toBeGreaterThan(0);
  });

  it('answers null after timeoutMs when the lookup does not come back', async () => {
    // A worker that never answers.
    const silent = join(dir, 'silent-worker.mjs');
    writeFileSync(silent, SILENT_WORKER);
    lookups = createCallerLookups({ log: silentLog, script: new URL(`file://${silent}`), timeoutMs: 50 });
    const socket = { remoteAddress: '127.0.0.1', remotePort: 40001, localAddress: '127.0.0.1', localPort: 4141 } as Socket;
    const lookup = lookups.of(socket);
    expect(lookup.now()).toBeUndefined();
    expect(await lookup.settle(30_000)).toBeNull();
  });

  it('answers lookups in flight with null at close', async () => {
    const silent = join(dir, 'silent-worker.mjs');
    writeFileSync(silent, SILENT_WORKER);
    lookups = createCallerLookups({ log: silentLog, script: new URL(`file://${silent}`), timeoutMs: 60_000 });
    const lookup = lookups.of({ remoteAddress: '::ffff:127.0.0.1', remotePort: 40002, localAddress: '::ffff:127.0.0.1', localPort: 4141 } as Socket);
    const settled = lookup.settle(60_000);
    await lookups.close();
    expect(await settled).toBeNull();
    // After close, no new worker: null at once.
    expect(lookups.of({ remoteAddress: '127.0.0.1', remotePort: 40003, localAddress: '127.0.0.1', localPort: 4141 } as Socket).now()).toBeNull();
  });
});

/** A gateway worker whose caller-lookup service says it is ready and never answers. */
const SILENT_WORKER = "import { parentPort } from 'node:worker_threads'; parentPort.on('message', ({ port }) => { port.on('message', () => {}); port.postMessage({ ready: true }); });\n";

/** Polls a condition the event loop makes true (children connecting), up to a deadline. */
async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
