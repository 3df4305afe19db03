// GET /backup and POST /backup/restore against real SQLite files: a backup taken on one gateway
// restores into an empty one with every key still working (same hashes), the dashboard's models
// served and the settings applied; a bad document is refused with a clear sentence and changes
// nothing; restoring over existing keys needs confirm, and the replaced keys stop working at once;
// what switchboard/active points at travels with it, and a restore that cannot set it says so.
import { afterEach, describe, expect, it } from 'vitest';
import { startManagementGateway, type ManagementGateway } from '../../../support/management-gateway.js';
import type { BackupDocument } from '../../../../shared/api/backup-schemas.js';

const gateways: ManagementGateway[] = [];
afterEach(async () => {
  for (const gateway of gateways.splice(0)) await gateway.dispose();
});
const start = async () => {
  const gateway = await startManagementGateway();
  gateways.push(gateway);
  return gateway;
};

async function populated(): Promise<{ gateway: ManagementGateway; plaintext: string[]; backup: BackupDocument }> {
  const gateway = await start();
  const first = (await gateway.send('POST', '/key/generate', { body: { key_alias: 'notes-app', models: ['stored-model'], max_budget: 5, rpm_limit: 60 } })).json() as { key: string };
  const second = (await gateway.send('POST', '/key/generate', { body: { key_alias: 'cli' } })).json() as { key: string };
  expect((await gateway.send('POST', '/model/new', { body: { model_name: 'stored-model', litellm_params: { model: 'ollama_chat/qwen3', api_base: 'http://127.0.0.1:9' }, model_info: { id: 'stored-1' } } })).statusCode).toBe(200);
  expect((await gateway.send('POST', '/settings', { body: { retention_days: 7, body_logging: true, allowed_origins: ['http://localhost:5173'] } })).statusCode).toBe(200);
  const response = await gateway.send('GET', '/backup');
  expect(response.statusCode).toBe(200);
  return { gateway, plaintext: [first.key, second.key], backup: response.json() as BackupDocument };
}

const modelIds = async (gateway: ManagementGateway, key?: string) =>
  ((await gateway.send('GET', '/v1/models', key === undefined ? {} : { key })).json() as { data: { id: string }[] }).data.map((m) => m.id);

describe('backup-routes', () => {
  it('backs up keys as hashes only, the dashboard models and the settings, in one versioned document', async () => {
    const { plaintext, backup } = await populated();
    expect(backup).toMatchObject({ format: 'switchboard-backup', version: 1, settings: { retention_days: 7, body_logging: true, allowed_origins: ['http://localhost:5173'] } });
    expect(backup.keys.map((k) => [k.key_alias, k.models, k.max_budget_micros, k.rpm_limit])).toEqual([['notes-app', ['stored-model'], 5_000_000, 60], ['cli', [], null, null]]);
    for (const key of backup.keys) expect(key.key_hash).toMatch(/^[0-9a-f]{64}$/);
    for (const key of plaintext) expect(JSON.stringify(backup)).not.toContain(key);
    expect(backup.models).toEqual([{ id: 'stored-1', model_name: 'stored-model', litellm_params: { model: 'ollama_chat/qwen3', api_base: 'http://127.0.0.1:9' }, model_info: {} }]);
  });

  it('restores into an empty gateway: the same keys work there with their limits, the models are served and the settings apply', async () => {
    const { plaintext, backup } = await populated();
    const target = await start();
    for (const key of plaintext) expect((await target.send('GET', '/v1/models', { key })).statusCode).toBe(401);

    const restored = await target.send('POST', '/backup/restore', { body: { backup } });
    expect(restored.statusCode).toBe(200);
    expect(restored.json()).toEqual({ keys: 2, models: 1, replaced: { keys: 0, models: 0 }, active_model: 'm', warnings: [] });
    // The notes-app key may use only stored-model; the cli key sees every model.
    expect(await modelIds(target, plaintext[0])).toEqual(['stored-model']);
    expect(await modelIds(target, plaintext[1])).toEqual(expect.arrayContaining(['m', 'stored-model']));
    expect((await target.send('GET', `/key/info?key=${plaintext[0]}`)).json().info).toMatchObject({ key_alias: 'notes-app', max_budget: 5, rpm_limit: 60 });
    expect((await target.send('GET', '/settings')).json()).toMatchObject({ retention_days: 7, body_logging: true, allowed_origins: ['http://localhost:5173'] });
    expect((await target.send('GET', '/backup')).json()).toMatchObject({ keys: backup.keys, models: backup.models });
  });

  it('refuses to replace existing keys and models without confirm, and with it replaces them: the old keys stop working at once', async () => {
    const { backup } = await populated();
    const target = await start();
    const own = (await target.send('POST', '/key/generate', { body: { key_alias: 'old-app' } })).json() as { key: string };
    expect((await target.send('GET', '/v1/models', { key: own.key })).statusCode).toBe(200);

    const refused = await target.send('POST', '/backup/restore', { body: { backup } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatchObject({ code: 'invalid_request', param: 'confirm' });
    expect(refused.json().error.message).toBe('This gateway already has 1 key and 0 models added in the dashboard; restoring replaces them all. Send "confirm": true to go ahead.');
    expect((await target.send('GET', '/v1/models', { key: own.key })).statusCode).toBe(200);

    const replaced = await target.send('POST', '/backup/restore', { body: { backup, confirm: true } });
    expect(replaced.json()).toEqual({ keys: 2, models: 1, replaced: { keys: 1, models: 0 }, active_model: 'm', warnings: [] });
    expect((await target.send('GET', '/v1/models', { key: own.key })).statusCode).toBe(401);
  });

  it.each<[string, (backup: BackupDocument) => unknown, RegExp]>([
    ['not a backup', () => ({ keys: [] }), /not a Switchboard backup/],
    ['a newer version', (b) => ({ ...b, version: 2 }), /version 2; this Switchboard reads version 1/],
    ['a raw key where the hash belongs', (b) => ({ ...b, keys: [{ ...b.keys[0]!, key_hash: 'sk-plaintext-key-0123456789' }] }), /backup\.keys\.0\.key_hash.*SHA-256/],
    ['the same key twice', (b) => ({ ...b, keys: [b.keys[0], b.keys[0]] }), /backup\.keys\[1\]: the key id .* appears twice/],
    ['a provider key value in a model', (b) => ({ ...b, models: [{ ...b.models[0]!, litellm_params: { model: 'openai/gpt-4o', api_key: 'sk-live-provider-value' } }] }), /api_key.*os\.environ\/NAME or keychain\/NAME/],
    ['a model that would not load', (b) => ({ ...b, models: [{ ...b.models[0]!, litellm_params: { model: 'azure/gpt-4o' } }] }), /backup\.models\[0\] \(stored-model\): litellm_params\.api_base is required/],
    ['a model id the config file uses', (b) => ({ ...b, models: [{ ...b.models[0]!, id: 'm#0' }] }), /the model id m#0 is also used by the config file/],
  ])('refuses %s with a clear 400 and changes nothing', async (_name, mutate, message) => {
    const { backup } = await populated();
    const target = await start();
    const before = (await target.send('GET', '/backup')).json() as BackupDocument;
    const res = await target.send('POST', '/backup/restore', { body: { backup: mutate(backup), confirm: true } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_request');
    expect(res.json().error.message).toMatch(message);
    expect(JSON.stringify(res.json())).not.toContain('sk-live-provider-value');
    expect({ ...((await target.send('GET', '/backup')).json() as BackupDocument), created_at: before.created_at }).toEqual(before);
  });

  it('carries the model switchboard/active was switched to, and a restore switches to it once the restored models are served', async () => {
    const { gateway } = await populated();
    expect((await gateway.send('GET', '/backup')).json().active_model).toEqual({ model: null });
    expect((await gateway.send('POST', '/active-model', { body: { model: 'stored-model' } })).statusCode).toBe(200);
    const backup = (await gateway.send('GET', '/backup')).json() as BackupDocument;
    expect(backup.active_model).toEqual({ model: 'stored-model' });

    const target = await start();
    expect((await target.send('GET', '/active-model')).json().model).toBe('m');
    const restored = await target.send('POST', '/backup/restore', { body: { backup } });
    expect(restored.json()).toMatchObject({ active_model: 'stored-model', warnings: [] });
    expect((await target.send('GET', '/active-model')).json()).toMatchObject({ model: 'stored-model', aliases: { 'switchboard/active': 'stored-model' } });
    expect((await target.send('GET', '/backup')).json().active_model).toEqual({ model: 'stored-model' });
  });

  it('puts switchboard/active back on the default when the backup followed the default', async () => {
    const { backup } = await populated();
    const target = await start();
    expect((await target.send('POST', '/active-model', { body: { model: 'm' } })).statusCode).toBe(200);
    expect((await target.send('GET', '/backup')).json().active_model).toEqual({ model: 'm' });
    const restored = await target.send('POST', '/backup/restore', { body: { backup } });
    expect(restored.statusCode).toBe(200);
    expect((await target.send('GET', '/backup')).json().active_model).toEqual({ model: null });
  });

  it('restores everything else and warns when the active model it names is not served after the restore', async () => {
    const { backup } = await populated();
    const target = await start();
    const restored = await target.send('POST', '/backup/restore', { body: { backup: { ...backup, active_model: { model: 'gone-model' } } } });
    expect(restored.statusCode).toBe(200);
    expect(restored.json()).toEqual({
      keys: 2, models: 1, replaced: { keys: 0, models: 0 }, active_model: 'm',
      warnings: [
        'The backup\'s active model "gone-model" is not served here (neither this gateway\'s config file nor the backup\'s models have it), ' +
          'so switchboard/active stays on "m". Switch it under Models or with POST /active-model.',
      ],
    });
    expect((await target.send('GET', '/active-model')).json().model).toBe('m');
  });

  it('restores a backup taken before the active model was kept, leaving the active model alone', async () => {
    const { backup } = await populated();
    const target = await start();
    expect((await target.send('POST', '/active-model', { body: { model: 'm' } })).statusCode).toBe(200);
    const { active_model: _dropped, ...older } = backup;
    const restored = await target.send('POST', '/backup/restore', { body: { backup: older } });
    expect(restored.json()).toMatchObject({ active_model: 'm', warnings: [] });
    expect((await target.send('GET', '/backup')).json().active_model).toEqual({ model: 'm' });
  });

  it('answers only the admin key', async () => {
    const { gateway, plaintext } = await populated();
    expect((await gateway.send('GET', '/backup', { key: plaintext[1]! })).statusCode).toBe(403);
    expect((await gateway.send('POST', '/backup/restore', { key: plaintext[1]!, body: { backup: {} } })).statusCode).toBe(403);
  });
});
