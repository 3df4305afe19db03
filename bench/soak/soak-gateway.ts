// The gateway under soak: the real CLI (`node bin/switchboard.js serve`) in its own process on
// a data directory that outlives it, so a run can SIGKILL it and start it again on the same
// database. One model, priced, pointing at the slow upstream; auth on. Never prints a key.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { request } from 'undici';
import type { ChildRegistry, ChildServer } from '../child-registry.js';

export const SOAK_MODEL = 'soak-model';
export const SOAK_MASTER_KEY = 'sk-soak-master-key-0123456789';
/** $1 per million input tokens, $2 per million output tokens. */
export const SOAK_PRICES = { input: 0.000001, output: 0.000002 };

export function soakConfig(mockOrigin: string): string {
  return `model_list:
  - model_name: ${SOAK_MODEL}
    litellm_params:
      model: openai/${SOAK_MODEL}
      api_base: "${mockOrigin}/v1"
      api_key: "sk-soak-upstream-key"
    model_info:
      input_cost_per_token: ${SOAK_PRICES.input}
      output_cost_per_token: ${SOAK_PRICES.output}
`;
}

export interface SoakGatewayOptions {
  registry: ChildRegistry;
  repoRoot: string;
  benchDir: string;
  workDir: string;
  mockOrigin: string;
}

export interface SoakGateway {
  /** Starts (or starts again) the gateway on the same data directory. */
  start(): Promise<ChildServer>;
  readonly databaseFile: string;
}

export function createSoakGateway(options: SoakGatewayOptions): SoakGateway {
  const configFile = join(options.workDir, 'config.yaml');
  writeFileSync(configFile, soakConfig(options.mockOrigin));
  const dataDir = join(options.workDir, 'data');
  const cli = join(options.repoRoot, 'bin', 'switchboard.js');
  const tether = ['--import', pathToFileURL(join(options.benchDir, 'exit-with-parent.js')).href];
  return {
    databaseFile: join(dataDir, 'switchboard.db'),
    start: () => options.registry.spawnServer('gateway', {
      args: [...tether, cli, 'serve', '--config', configFile, '--port', '0', '--data-dir', dataDir],
      env: { ...process.env, SWITCHBOARD_MASTER_KEY: SOAK_MASTER_KEY, SWITCHBOARD_LOG_LEVEL: 'warn' },
      ipc: true,
      cwd: options.repoRoot,
      readyPattern: /Switchboard listening on (http:\/\/\S+)/,
      timeoutMs: 20_000,
    }),
  };
}

export interface KeyLimits {
  key_alias: string;
  max_budget?: number;
  max_parallel_requests?: number;
}

/** Creates a virtual key through the management API; returns the key and its id. */
export async function createSoakKey(origin: string, limits: KeyLimits): Promise<{ key: string; id: string }> {
  const response = await request(`${origin}/key/generate`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SOAK_MASTER_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(limits),
  });
  const body = await response.body.json() as { key?: unknown; token?: unknown; key_id?: unknown };
  if (response.statusCode !== 200 || typeof body.key !== 'string') throw new Error(`POST /key/generate: HTTP ${response.statusCode}`);
  const id = typeof body.token === 'string' ? body.token : typeof body.key_id === 'string' ? body.key_id : undefined;
  if (id === undefined) throw new Error('POST /key/generate answered without the key id');
  return { key: body.key, id };
}

/** The chat request body the soak sends: small, streamed or not, bounded output. */
export function soakBody(stream: boolean): string {
  return JSON.stringify({
    model: SOAK_MODEL,
    messages: [{ role: 'user', content: 'Count slowly.' }],
    max_tokens: 32,
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });
}
