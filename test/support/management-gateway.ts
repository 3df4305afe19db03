// A gateway with every management route served (keys, usage, models, settings, credentials, the
// dashboard's static files), built with createServer on a real SQLite file in a temp directory,
// an in-memory secret store and a clock the test moves. For app.inject tests; never listens.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { parseConfigText } from '../../main/config/load-config.js';
import type { LightMyRequestResponse } from 'fastify';
import { createServer, type Gateway, type ServerDeps } from '../../main/gateway/create-server.js';
import { createGatewaySettings, type GatewaySettings } from '../../main/config/gateway-settings.js';
import { createSettingsRepository } from '../../main/storage/settings-repository.js';
import { createModelRepository } from '../../main/storage/model-repository.js';
import { createBackupStore } from '../../main/storage/backup-store.js';
import { createResponseStore } from '../../main/storage/response-store.js';
import { createKeyRepository, type KeyRepository } from '../../main/keys/key-repository.js';
import { createCallerRoles } from '../../main/keys/caller-roles.js';
import { createTeamRepository, type TeamRepository } from '../../main/keys/team-repository.js';
import { createUserRepository, type UserRepository } from '../../main/keys/user-repository.js';
import { createAppRepository, type AppRepository } from '../../main/apps/app-repository.js';
import { createKeyVerifier } from '../../main/keys/verify-key.js';
import { createVirtualKeyLookup } from '../../main/keys/virtual-key-lookup.js';
import { createUsageQueries } from '../../main/metering/usage-queries.js';
import { createMemorySecretStore, type MemorySecretStore } from '../../main/secrets/memory-secret-store.js';
import { openTempDatabase, type FakeClock, type TempDatabase } from '../main/storage/storage-test-kit.js';

export const MANAGEMENT_MASTER_KEY = 'sk-master-management-zone-0123456789';
/** The port Host headers name (app.inject has no socket). */
export const MANAGEMENT_PORT = 4141;
/** The gateway's own origin, as the dashboard's browser sends it. */
export const OWN_ORIGIN = `http://127.0.0.1:${MANAGEMENT_PORT}`;

const YAML = `model_list:
  - model_name: m
    litellm_params: { model: openai/m, api_base: "http://127.0.0.1:9/v1", api_key: keychain/upstream }
`;

export interface ManagementGateway extends Gateway {
  db: TempDatabase;
  clock: FakeClock;
  keys: KeyRepository;
  teams: TeamRepository;
  users: UserRepository;
  apps: AppRepository;
  secrets: MemorySecretStore;
  settings: GatewaySettings;
  /** app.inject with the right Host and, unless `key` is null, the admin key. */
  send(method: string, url: string, options?: { body?: unknown; headers?: Record<string, string>; key?: string | null }): Promise<LightMyRequestResponse>;
  dispose(): Promise<void>;
}

export async function startManagementGateway(
  { masterKey: master, ...overrides }: { masterKey?: string | null } & Partial<Omit<ServerDeps, 'config' | 'log' | 'masterKey'>> = {},
): Promise<ManagementGateway> {
  const db = openTempDatabase();
  const dashboardDir = db.dir.file('renderer');
  mkdirSync(join(dashboardDir, 'assets'), { recursive: true });
  writeFileSync(join(dashboardDir, 'index.html'), '<!doctype html><title>Switchboard</title>');
  writeFileSync(join(dashboardDir, 'assets', 'app.js'), 'console.log(1)');
  const keys = createKeyRepository(db.db, db.clock);
  const teams = createTeamRepository(db.db, db.clock, { keys });
  const users = createUserRepository(db.db, db.clock, { keys });
  const apps = createAppRepository(db.db, db.clock);
  // As startGateway wires it: a team blocked or a user's models changed re-reads the keys they own.
  const verifier = createKeyVerifier(keys, db.clock, { owners: { teams, users } });
  const secrets = createMemorySecretStore({ upstream: 'sk-upstream-management-zone-0000' });
  const settings = createGatewaySettings(createSettingsRepository(db.db));
  const masterKey = master === null ? undefined : (master ?? MANAGEMENT_MASTER_KEY);
  const gateway = await createServer({
    config: parseConfigText(YAML, 'c.yaml', {}),
    log: pino({ level: 'silent' }),
    masterKey,
    port: MANAGEMENT_PORT,
    now: () => db.clock.now(),
    keys,
    teams,
    callerRoles: createCallerRoles(db.db),
    users,
    apps,
    virtualKeys: createVirtualKeyLookup(verifier),
    spend: { queries: createUsageQueries(db.db), flush: () => {} },
    credentials: { store: secrets, env: {} },
    models: { store: createModelRepository(db.db, db.clock), env: {} },
    backup: createBackupStore(db.db),
    responses: createResponseStore(db.db, { clock: db.clock }),
    gatewaySettings: settings,
    dashboardDir,
    discoveryDefaults: [],
    ...overrides,
  });
  const send: ManagementGateway['send'] = (method, url, { body, headers = {}, key = masterKey ?? null } = {}) =>
    gateway.app.inject({
      method: method as 'GET',
      url,
      headers: {
        host: `127.0.0.1:${MANAGEMENT_PORT}`,
        ...(key === null ? {} : { authorization: `Bearer ${key}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
  return Object.assign(gateway, {
    db, clock: db.clock, keys, teams, users, apps, secrets, settings, send,
    async dispose() {
      await gateway.close();
      verifier.dispose();
      db.dispose();
    },
  });
}
