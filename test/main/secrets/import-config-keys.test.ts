import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { importConfigKeys } from '../../../main/secrets/import-config-keys.js';
import { createMemorySecretStore } from '../../../main/secrets/memory-secret-store.js';
import { SecretStoreError, type SecretStore } from '../../../main/secrets/secret-store.js';
import { parseConfigText } from '../../../main/config/load-config.js';
import { ConfigError } from '../../../main/core/config-error.js';
import { main } from '../../../main/cli.js';
import { loadGatewayConfig } from '../../../main/start-gateway.js';

const OPENAI = 'sk-proj-plaintext-0123456789abcdef';
const ANTHROPIC = 'sk-ant-plaintext-0123456789abcdef';
const MASTER = 'sk-master-plaintext-0123456789';

const CONFIG = `# Switchboard config: comments, odd spacing and flow maps must survive the rewrite.
model_list:
  - model_name: gpt-4o      # the big one
    litellm_params: { model: openai/gpt-4o, api_key: "${OPENAI}" }
  - model_name: gpt-4o-mini
    litellm_params:
      model: openai/gpt-4o-mini
      api_key:   ${OPENAI}    # same key, plain style
  - model_name: claude
    litellm_params:
      model: anthropic/claude-sonnet-4
      api_key: '${ANTHROPIC}'
  - model_name: from-env
    litellm_params: { model: openai/o3, api_key: os.environ/OPENAI_API_KEY }

general_settings:
  master_key: ${MASTER}   # admin
`;

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'switchboard-import-'));
  file = join(dir, 'config.yaml');
  writeFileSync(file, CONFIG, { mode: 0o644 });
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(dir, { recursive: true, force: true });
});

const failingSet = (error: SecretStoreError): SecretStore => ({
  ...createMemorySecretStore(),
  set: async () => {
    throw error;
  },
});

describe('import-config-keys', () => {
  it('moves every plaintext key into the store and rewrites only those values, keeping comments and layout', async () => {
    const store = createMemorySecretStore();
    const result = await importConfigKeys({ file, store });

    expect(result.imported).toEqual([
      { path: 'model_list[0].litellm_params.api_key', line: 4, name: 'openai-api-key', alreadyStored: false },
      { path: 'model_list[1].litellm_params.api_key', line: 8, name: 'openai-api-key', alreadyStored: false },
      { path: 'model_list[2].litellm_params.api_key', line: 12, name: 'anthropic-api-key', alreadyStored: false },
      { path: 'general_settings.master_key', line: 17, name: 'switchboard-admin-key', alreadyStored: false },
    ]);
    expect(await store.get('openai-api-key')).toBe(OPENAI);
    expect(await store.get('anthropic-api-key')).toBe(ANTHROPIC);
    expect(await store.get('switchboard-admin-key')).toBe(MASTER);

    const expected = CONFIG
      .replace(`"${OPENAI}"`, '"keychain/openai-api-key"')
      .replace(`api_key:   ${OPENAI}`, 'api_key:   keychain/openai-api-key')
      .replace(`'${ANTHROPIC}'`, "'keychain/anthropic-api-key'")
      .replace(`master_key: ${MASTER}`, 'master_key: keychain/switchboard-admin-key');
    expect(readFileSync(file, 'utf8')).toBe(expected);
  });

  it('produces a config that loads with keychain references and no plaintext left', async () => {
    await importConfigKeys({ file, store: createMemorySecretStore() });
    const text = readFileSync(file, 'utf8');
    for (const secret of [OPENAI, ANTHROPIC, MASTER]) expect(text).not.toContain(secret);
    const config = parseConfigText(text, file, { OPENAI_API_KEY: 'x' });
    expect(config.deployments.map((d) => d.credential)).toEqual([
      { kind: 'keychain', name: 'openai-api-key' },
      { kind: 'keychain', name: 'openai-api-key' },
      { kind: 'keychain', name: 'anthropic-api-key' },
      { kind: 'env', name: 'OPENAI_API_KEY' },
    ]);
    expect(config.masterKey).toEqual({ kind: 'keychain', name: 'switchboard-admin-key' });
  });

  it('keeps the original as an owner-only backup and never overwrites an earlier one', async () => {
    const first = await importConfigKeys({ file, store: createMemorySecretStore() });
    expect(first.backup).toBe(`${file}.bak`);
    expect(readFileSync(`${file}.bak`, 'utf8')).toBe(CONFIG);
    expect(statSync(`${file}.bak`).mode & 0o777).toBe(0o600);
    expect(statSync(file).mode & 0o777).toBe(0o644);

    writeFileSync(file, CONFIG);
    const second = await importConfigKeys({ file, store: createMemorySecretStore() });
    expect(second.backup).toBe(`${file}.bak.2`);
    expect(readFileSync(`${file}.bak`, 'utf8')).toBe(CONFIG);
    expect(readdirSync(dir).sort()).toEqual(['config.yaml', 'config.yaml.bak', 'config.yaml.bak.2']);
  });

  it('reuses a keychain entry holding the same key and picks another name next to a different one', async () => {
    const store = createMemorySecretStore({ 'openai-api-key': 'someone-elses-key', 'anthropic-api-key': ANTHROPIC });
    const result = await importConfigKeys({ file, store });
    const byPath = Object.fromEntries(result.imported.map((k) => [k.path, k]));
    expect(byPath['model_list[0].litellm_params.api_key']).toMatchObject({ name: 'openai-gpt-4o-api-key', alreadyStored: false });
    expect(byPath['model_list[2].litellm_params.api_key']).toMatchObject({ name: 'anthropic-api-key', alreadyStored: true });
    expect(await store.get('openai-api-key')).toBe('someone-elses-key');
    expect(await store.get('openai-gpt-4o-api-key')).toBe(OPENAI);
  });

  it('gives different keys of one provider different names', async () => {
    writeFileSync(file, `model_list:
  - model_name: a
    litellm_params: { model: openai/a, api_key: sk-one-0123456789abcdef }
  - model_name: b
    litellm_params: { model: openai/b, api_key: sk-two-0123456789abcdef }
`);
    const store = createMemorySecretStore();
    const result = await importConfigKeys({ file, store });
    expect(result.imported.map((k) => k.name)).toEqual(['openai-api-key', 'openai-b-api-key']);
    expect(await store.get('openai-b-api-key')).toBe('sk-two-0123456789abcdef');
  });

  it.each([
    ['missing', new SecretStoreError('unavailable', 'set', 'No Secret Service')],
    ['locked', new SecretStoreError('locked', 'set', 'The keyring is locked')],
    ['hanging', new SecretStoreError('timeout', 'set', 'did not answer within 5 s')],
  ])('leaves the file untouched and makes no backup when the keychain is %s', async (_case, error) => {
    await expect(importConfigKeys({ file, store: failingSet(error) })).rejects.toBe(error);
    expect(readFileSync(file, 'utf8')).toBe(CONFIG);
    expect(readdirSync(dir)).toEqual(['config.yaml']);
  });

  it('leaves the file untouched when the keychain accepts a key but cannot read it back', async () => {
    const forgetful: SecretStore = { ...createMemorySecretStore(), set: async () => undefined };
    await expect(importConfigKeys({ file, store: forgetful })).rejects.toThrow(/could not be read back/);
    expect(readFileSync(file, 'utf8')).toBe(CONFIG);
    expect(readdirSync(dir)).toEqual(['config.yaml']);
  });

  it('changes nothing when there are no plaintext keys', async () => {
    writeFileSync(file, 'model_list:\n  - model_name: x\n    litellm_params: { model: openai/x, api_key: keychain/x }\n');
    const store = createMemorySecretStore();
    expect(await importConfigKeys({ file, store })).toEqual({ file, imported: [], backup: undefined });
    expect(readdirSync(dir)).toEqual(['config.yaml']);
    expect(store.calls.set).toBe(0);
  });

  it.each([
    [
      'a block scalar',
      '# top\nmodel_list:\n  - model_name: x   # keep me\n    litellm_params:\n      model: openai/x\n      api_key: |\n        sk-block-0123456789abcdef\n  - model_name: y\n    litellm_params: {model: openai/y}\n',
      '# top\nmodel_list:\n  - model_name: x   # keep me\n    litellm_params:\n      model: openai/x\n      api_key: "keychain/openai-api-key"\n  - model_name: y\n    litellm_params: {model: openai/y}\n',
    ],
    [
      'an anchored key and its alias',
      'model_list:\n  - model_name: a  # c1\n    litellm_params: {model: openai/a, api_key: &k sk-anchored-0123456789abcdef}\n  - model_name: b\n    litellm_params: {model: openai/b, api_key: *k}\n',
      'model_list:\n  - model_name: a  # c1\n    litellm_params: {model: openai/a, api_key: &k keychain/openai-api-key}\n  - model_name: b\n    litellm_params: {model: openai/b, api_key: *k}\n',
    ],
    [
      'a tagged multi-line plain key',
      'model_list:\n  - model_name: a\n    litellm_params:\n      model: openai/a\n      api_key: !!str sk-wrapped-0123\n        456789abcdef\n',
      'model_list:\n  - model_name: a\n    litellm_params:\n      model: openai/a\n      api_key: !!str keychain/openai-api-key\n',
    ],
  ])('rewrites %s in place', async (_case, before, after) => {
    writeFileSync(file, before);
    await importConfigKeys({ file, store: createMemorySecretStore() });
    expect(readFileSync(file, 'utf8')).toBe(after);
    expect(parseConfigText(after, file, {}).deployments[0]!.credential).toEqual({ kind: 'keychain', name: 'openai-api-key' });
  });

  it('reports a missing file and invalid YAML as config errors', async () => {
    await expect(importConfigKeys({ file: join(dir, 'nope.yaml'), store: createMemorySecretStore() })).rejects.toBeInstanceOf(ConfigError);
    writeFileSync(file, 'model_list: [\n');
    await expect(importConfigKeys({ file, store: createMemorySecretStore() })).rejects.toThrow(/invalid YAML/);
  });
});

describe('switchboard keys import (cli)', () => {
  function capture() {
    let out = '';
    let err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
    return { out: () => out, err: () => err };
  }

  it('moves the keys, says where they went and where the backup is, and prints no key', async () => {
    const io = capture();
    const store = createMemorySecretStore();
    expect(await main(['keys', 'import', '--config', file], {}, { secrets: store })).toBe(0);
    expect(io.out()).toContain(`Moved 4 key(s) from ${file} into the memory (this process only):`);
    expect(io.out()).toContain('line 4: model_list[0].litellm_params.api_key -> keychain/openai-api-key');
    expect(io.out()).toContain(`kept as ${file}.bak`);
    for (const secret of [OPENAI, ANTHROPIC, MASTER]) expect(io.out() + io.err()).not.toContain(secret);
  });

  it('exits 1 with the keychain message and the file unchanged when the keychain is locked', async () => {
    const io = capture();
    const store = failingSet(new SecretStoreError('locked', 'set', 'The keyring is locked: unlock it'));
    expect(await main(['keys', 'import', '--config', file], {}, { secrets: store })).toBe(1);
    expect(io.err()).toBe(`switchboard: cannot move the keys into the OS keychain, so ${file} was not changed: The keyring is locked: unlock it\n`);
    expect(readFileSync(file, 'utf8')).toBe(CONFIG);
  });

  it('exits 2 on a config error and says there is nothing to do for a clean file', async () => {
    const io = capture();
    expect(await main(['keys', 'import', '--config', join(dir, 'missing.yaml')], {}, { secrets: createMemorySecretStore() })).toBe(2);
    expect(io.err()).toMatch(/config error: .*missing\.yaml: file not found/);
    writeFileSync(file, 'model_list: []\n');
    expect(await main(['keys', 'import', '--config', file], {}, { secrets: createMemorySecretStore() })).toBe(0);
    expect(io.out()).toContain('No plaintext keys');
  });

  it.each([
    [['keys'], /keys needs a subcommand/],
    [['keys', 'export'], /unknown keys subcommand "export"/],
    [['keys', 'import'], /keys import needs --config FILE/],
    [['keys', 'import', '--config'], /Option '--config <value>' argument missing/],
    [['keys', 'import', '--port', '1'], /Unknown option '--port'/],
  ])('refuses %j with the reason, the help hint and exit 2', async (argv, message) => {
    const io = capture();
    expect(await main(argv, {}, { secrets: createMemorySecretStore() })).toBe(2);
    expect(io.err()).toMatch(message);
    expect(io.err()).toContain('see `switchboard --help`');
  });
});

describe('plaintext key warnings at start (loadGatewayConfig)', () => {
  it('adds one warning per plaintext key naming file and line, never the value', () => {
    const config = loadGatewayConfig(file, { OPENAI_API_KEY: 'x' });
    const warnings = config.warnings.filter((w) => w.includes('plaintext'));
    expect(warnings.map((w) => w.split(' ')[0])).toEqual([`${file}:4:`, `${file}:8:`, `${file}:12:`, `${file}:17:`]);
    const all = config.warnings.join('\n');
    for (const secret of [OPENAI, ANTHROPIC, MASTER]) expect(all).not.toContain(secret);
    // The key still works: it is used from memory.
    expect(config.deployments[0]!.credential).toEqual({ kind: 'literal', value: OPENAI });
  });

  it('says nothing for a config without plaintext keys', () => {
    writeFileSync(file, 'model_list:\n  - model_name: x\n    litellm_params: { model: openai/x, api_key: keychain/x }\n');
    expect(loadGatewayConfig(file, {}).warnings).toEqual([]);
  });
});
