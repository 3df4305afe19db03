// Where the admin key a gateway starts with comes from, as the routes that rotate and remove it
// see it: the environment and the config are changed where they are set, only the key "Require
// keys" kept in the data directory is managed by the gateway. Real files in a temp data directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findAdminKeyOrigin } from '../../main/find-admin-key-origin.js';
import type { CredentialRef } from '../../main/core/deployment.js';
import { createDataDirAdminKey, type DataDirAdminKey } from '../../main/secrets/data-dir-admin-key.js';
import { createMemorySecretStore } from '../../main/secrets/memory-secret-store.js';

const KEPT = 'sk-admin-kept-in-data-dir-0123456789abcdefghijk';
const OTHER = 'sk-master-set-elsewhere-0123456789';
const NONE: CredentialRef = { kind: 'none' };
let dataDir: string;
let kept: DataDirAdminKey;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'switchboard-origin-'));
  kept = createDataDirAdminKey({ dataDir, store: createMemorySecretStore(), log: pino({ level: 'silent' }) });
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const origin = (masterKey: string | undefined, env: NodeJS.ProcessEnv = {}, masterKeyRef: CredentialRef = NONE) =>
  findAdminKeyOrigin({ masterKey, env, config: { masterKey: masterKeyRef, file: '/etc/switchboard/config.yaml' }, resolve: (ref) => (ref.kind === 'literal' ? ref.value : undefined), dataDir: kept });

describe('findAdminKeyOrigin', () => {
  it('is none in open mode', async () => {
    expect(await origin(undefined)).toEqual({ source: 'none' });
  });

  it.each(['SWITCHBOARD_MASTER_KEY', 'LITELLM_MASTER_KEY'])('names %s when the key came from it, even beside a kept key', async (variable) => {
    await kept.save(OTHER);
    expect(await origin(OTHER, { [variable]: OTHER })).toEqual({ source: 'environment', variable });
  });

  it('names the config file for general_settings.master_key', async () => {
    expect(await origin(OTHER, {}, { kind: 'literal', value: OTHER })).toEqual({ source: 'config', file: '/etc/switchboard/config.yaml' });
  });

  it('is the data directory only for the key "Require keys" kept there', async () => {
    const saved = await kept.save(KEPT);
    expect(await origin(KEPT)).toEqual({ source: 'data_dir', saved });
  });

  it('is the caller\'s key when it matches nothing it can see (the desktop app\'s own keychain key beside an old admin-key.json)', async () => {
    await kept.save(KEPT);
    expect(await origin(OTHER)).toEqual({ source: 'startup' });
  });
});
