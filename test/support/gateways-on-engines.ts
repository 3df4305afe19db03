// The set-up of a test that runs the whole gateway, in process and listening, once per storage
// engine: startGateway on an SQLite file, startTeamGateway on a throwaway PostgreSQL database (one
// cluster per file), a loopback mock upstream answering with the given usage, a config whose
// model_list the test writes (given the mock's URL), and every gateway it started closed after each
// test. `call` is a JSON request with a key, as a LiteLLM script or an SDK would send it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startGateway } from '../../main/start-gateway.js';
import { startTeamGateway } from '../../main/start-team-gateway.js';
import { parseDatabaseUrl } from '../../main/storage/database-url.js';
import { createMockUpstream, type MockUpstream } from './mock-upstream.js';
import { usePostgresCluster } from './postgres-cluster.js';

export type StorageEngine = 'sqlite' | 'postgresql';
export const STORAGE_ENGINES = ['sqlite', 'postgresql'] as const;

export interface EngineGateway {
  url: string;
  /** The SQLite data directory (pass it back as `dataDir` to restart on the same file). */
  dataDir?: string;
  close(): Promise<void>;
}

export interface CallAnswer {
  status: number;
  headers: Headers;
  json: any;
}

export interface GatewaysOnEngines {
  /** The loopback upstream (ready once beforeAll ran). */
  readonly mock: MockUpstream;
  /**
   * A gateway on `engine` with the config `config(mockUrl)`; `database` reuses a PostgreSQL
   * database (a second replica), else each gateway gets a new one. Closed after the test.
   */
  start(engine: StorageEngine, config: (mockUrl: string) => string, options?: StartOnEngineOptions): Promise<EngineGateway>;
  /** A new throwaway PostgreSQL database's URL (for replicas sharing one). */
  createDatabase(): Promise<string>;
}

export interface StartOnEngineOptions {
  /** Reuse a PostgreSQL database (a second replica, or a restart). */
  database?: string;
  /** Reuse an SQLite data directory (a restart): a path returned by an earlier start's `dataDir`. */
  dataDir?: string;
  /** null: open mode (no admin key); absent: the suite's master key. */
  masterKey?: string | null;
  /** startGateway's onNewApp (issue 19). */
  onNewApp?: (app: string) => void;
}

export interface GatewaysOnEnginesOptions {
  /** Names the temp directory. */
  name: string;
  masterKey: string;
  /** What every upstream answer reports as its usage. */
  usage: { prompt: number; completion: number };
}

export function useGatewaysOnEngines(options: GatewaysOnEnginesOptions): GatewaysOnEngines {
  const postgres = usePostgresCluster();
  let mock: MockUpstream | undefined;
  let work = '';
  const running: EngineGateway[] = [];
  beforeAll(async () => {
    mock = await createMockUpstream({ defaultBehaviour: { kind: 'ok', usage: options.usage } });
    work = mkdtempSync(join(tmpdir(), `switchboard-${options.name}-`));
  });
  afterAll(async () => {
    await mock?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });
  afterEach(async () => {
    // Last started first: a replica goes before the database's first user.
    for (const gateway of running.splice(0).reverse()) await gateway.close();
  });
  return {
    get mock() {
      if (mock === undefined) throw new Error('the mock upstream starts in beforeAll');
      return mock;
    },
    createDatabase: () => postgres.createDatabase(),
    async start(engine, config, startOptions = {}) {
      const dir = mkdtempSync(join(work, `${engine}-`));
      const configFile = join(dir, 'config.yaml');
      writeFileSync(configFile, config(this.mock.url));
      const dataDir = startOptions.dataDir ?? join(dir, 'data');
      const masterKey = startOptions.masterKey === null ? undefined : startOptions.masterKey ?? options.masterKey;
      const gatewayOptions = {
        configFile, dataDir, host: '127.0.0.1', port: 0, masterKey, env: {}, log: pino({ level: 'silent' }), dashboardDir: null,
        ...(startOptions.onNewApp ? { onNewApp: startOptions.onNewApp } : {}),
      };
      const gateway = engine === 'sqlite'
        ? Object.assign(await startGateway(gatewayOptions), { dataDir })
        : await startTeamGateway({ ...gatewayOptions, database: parseDatabaseUrl(startOptions.database ?? (await postgres.createDatabase())) });
      running.push(gateway);
      return gateway;
    },
  };
}

/** A JSON request with `key` as the bearer: POST with a body, GET without. */
export async function callWithKey(url: string, path: string, key: string, body?: unknown): Promise<CallAnswer> {
  const response = await fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, headers: response.headers, json: await response.json() };
}
