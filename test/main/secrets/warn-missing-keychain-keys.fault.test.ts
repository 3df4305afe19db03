// A `keychain/NAME` a model uses but the keychain lacks is warned about when the gateway starts
// (startGateway, real SQLite, a real socket), one line naming the models and the reference and
// never a key; present keys and other references are not warned about.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../main/config/load-config.js';
import { startGateway, type RunningGateway } from '../../../main/start-gateway.js';
import { createMemorySecretStore } from '../../../main/secrets/memory-secret-store.js';
import { SecretStoreError, type SecretStore } from '../../../main/secrets/secret-store.js';

const PRESENT = 'sk-present-provider-key-0123456789';
const YAML = `model_list:
  - model_name: gpt-missing
    litellm_params: { model: openai/gpt-4o, api_base: "http://127.0.0.1:9/v1", api_key: keychain/openai-missing }
  - model_name: gpt-missing-too
    litellm_params: { model: openai/gpt-4o-mini, api_base: "http://127.0.0.1:9/v1", api_key: keychain/openai-missing }
  - model_name: gpt-present
    litellm_params: { model: openai/o3, api_base: "http://127.0.0.1:9/v1", api_key: keychain/openai-present }
  - model_name: local
    litellm_params: { model: hosted_vllm/m, api_base: "http://127.0.0.1:9/v1" }
`;

let dataDir: string;
let lines: string[];
let running: RunningGateway | undefined;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'switchboard-kc-warn-'));
  lines = [];
});
afterEach(async () => {
  await running?.close();
  running = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(store: SecretStore, yaml = YAML): Promise<string[]> {
  const log = pino({ level: 'info' }, new Writable({ write(chunk, _encoding, done) { lines.push(String(chunk)); done(); } }));
  running = await startGateway({ configFile: undefined, dataDir, host: '127.0.0.1', port: 0, masterKey: undefined, env: {}, log, secrets: store, dashboardDir: null }, parseConfigText(yaml, 'kc.yaml', {}));
  await running.keychainChecked;
  return lines.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((line) => line.level === 40).map((line) => line.msg);
}

describe('warnMissingKeychainKeys at start', () => {
  it('warns once per missing reference, naming its models and the reference, never a key', async () => {
    const warnings = await start(createMemorySecretStore({ 'openai-present': PRESENT }));
    const about = warnings.filter((msg) => msg.includes('keychain/'));
    expect(about).toHaveLength(1);
    expect(about[0]).toContain('models gpt-missing, gpt-missing-too use keychain/openai-missing');
    expect(about[0]).toContain('Provider keys');
    expect(lines.join('')).not.toContain(PRESENT);
  });

  it('says the keychain cannot be read when it cannot, instead of calling the key missing', async () => {
    const broken: SecretStore = { ...createMemorySecretStore(), kind: 'keychain', async get() { throw new SecretStoreError('unavailable', 'get', 'No D-Bus session bus, so the OS keychain (Secret Service) cannot be reached.'); } };
    const warnings = await start(broken);
    expect(warnings.filter((msg) => msg.includes('keychain/openai-missing'))).toEqual([expect.stringContaining('cannot be read: No D-Bus session bus')]);
  });

  it('says nothing when every model is keyless', async () => {
    const warnings = await start(createMemorySecretStore(), 'model_list:\n  - model_name: local\n    litellm_params: { model: hosted_vllm/m, api_base: "http://127.0.0.1:9/v1" }\n');
    expect(warnings.filter((msg) => msg.includes('keychain'))).toEqual([]);
  });
});
