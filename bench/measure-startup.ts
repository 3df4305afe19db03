// Time from spawning a server process to its first answered request: spawn, then poll a public
// URL on a tight loop until it answers 200, several times, one process at a time. Each probe
// process is stopped before the next starts; never leaves one running.
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'undici';
import type { ChildRegistry, SpawnOptions } from './child-registry.js';
import { freePort } from './free-port.js';

export interface StartupOptions {
  registry: ChildRegistry;
  /** Builds the spawn for a given port (the probe must know it before the process prints it). */
  spawnFor(port: number): SpawnOptions;
  /** The path polled, e.g. /health/liveliness. */
  path: string;
  samples: number;
  timeoutMs: number;
}

export async function measureStartup(options: StartupOptions): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < options.samples; i++) times.push(await startOnce(options));
  return times;
}

async function startOnce(options: StartupOptions): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = options.registry.spawnNode(`startup probe ${port}`, options.spawnFor(port));
  try {
    while (performance.now() - started < options.timeoutMs) {
      if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}\n${options.registry.outputOf(child)}`);
      if (await answers(port, options.path)) return performance.now() - started;
      // 1 ms between refused connects: tight, without starving the child of the CPU it boots on.
      await sleep(1);
    }
    throw new Error(`no answer on ${options.path} within ${options.timeoutMs} ms\n${options.registry.outputOf(child)}`);
  } finally {
    await options.registry.stop(child);
  }
}

async function answers(port: number, path: string): Promise<boolean> {
  // A fresh client per attempt: a refused connect must not leave a pool in backoff.
  const client = new Client(`http://127.0.0.1:${port}`, { connectTimeout: 1_000 });
  try {
    const response = await client.request({ method: 'GET', path, headersTimeout: 2_000, bodyTimeout: 2_000 });
    await response.body.dump();
    return response.statusCode === 200;
  } catch {
    return false;
  } finally {
    void client.destroy();
  }
}
