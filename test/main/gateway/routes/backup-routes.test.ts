// GET /backup and POST /backup/restore against real SQLite files: a backup taken on one gateway
// restores into an empty one with every key still working (same hashes), the dashboard's models
// served and the settings applied; a bad document is refused with a clear sentence and changes
// nothing; restoring over existing keys needs confirm, and the replaced keys stop working at once;
// what switchboard/active points at travels with it, and a restore that cannot set it says so.
import { afterEach, describe, expect, it } from 'vitest';
import { startManagementGateway, type ManagementGateway } from '../../../support/management-gateway.js';
import type { BackupApp, BackupDocument } from '../../../../shared/api/backup-schemas.js';
import { createAppRules } from '../../../../main/apps/app-rules.js';
import { silentLog } from '../../../support/silent-log.js';

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

const team = (id: string) => ({
  id, team_alias: null, models: [], max_budget_micros: null, soft_budget_micros: null, budget_duration: null, budget_reset_at: null, spend_micros: 0,
  tpm_limit: null, rpm_limit: null, team_member_budget_micros: null, metadata: {}, blocked: false, created_at: 1, updated_at: 1,
});
const user = (id: string) => ({
  id, user_email: null, user_role: 'internal_user' as const, max_budget_micros: null, budget_duration: null, budget_reset_at: null, spend_micros: 0,
  models: [], metadata: {}, created_at: 1, updated_at: 1,
});
const membership = (teamId: string, userId: string) => ({ team_id: teamId, user_id: userId, role: 'member' as const, max_budget_in_team_micros: null, spend_micros: 0, created_at: 1 });

const modelIds = async (gateway: ManagementGateway, key?: string) =>
  ((await gateway.send('GET', '/v1/models', key === undefined ? {} : { key })).json() as { data: { id: string }[] }).data.map((m) => m.id);

describe('backup-routes', () => {
  it('backs up keys as hashes only, the dashboard models and the settings, in one versioned document', async () => {
    const { plaintext, backup } = await populated();
    expect(backup).toMatchObject({ format: 'switchboard-backup', version: 3, teams: [], users: [], team_memberships: [], apps: [], settings: { retention_days: 7, body_logging: true, allowed_origins: ['http://localhost:5173'] } });
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
    expect(restored.json()).toEqual({ keys: 2, models: 1, teams: 0, users: 0, apps: 0, replaced: { keys: 0, models: 0, teams: 0, users: 0, apps: 0 }, active_model: 'm', warnings: [] });
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
    expect(replaced.json()).toEqual({ keys: 2, models: 1, teams: 0, users: 0, apps: 0, replaced: { keys: 1, models: 0, teams: 0, users: 0, apps: 0 }, active_model: 'm', warnings: [] });
    expect((await target.send('GET', '/v1/models', { key: own.key })).statusCode).toBe(401);
  });

  it.each<[string, (backup: BackupDocument) => unknown, RegExp]>([
    ['not a backup', () => ({ keys: [] }), /not a Switchboard backup/],
    ['a newer version', (b) => ({ ...b, version: 4 }), /version 4; this Switchboard reads versions 1, 2 and 3 \(it writes 3\)/],
    ['a key whose team is not in the backup', (b) => ({ ...b, keys: [{ ...b.keys[0]!, team_id: 'team-gone' }] }), /backup\.keys\[0\]: the key "notes-app" belongs to team "team-gone", which is not in the backup/],
    ['a key whose user is not in the backup', (b) => ({ ...b, keys: [{ ...b.keys[0]!, user_id: 'user-gone' }] }), /backup\.keys\[0\]: the key "notes-app" belongs to user "user-gone", who is not in the backup/],
    ['a membership of a team not in the backup', (b) => ({ ...b, users: [user('u1')], team_memberships: [membership('t-gone', 'u1')] }), /backup\.team_memberships\[0\]: team "t-gone" is not in the backup/],
    ['the same team twice', (b) => ({ ...b, teams: [team('t1'), team('t1')] }), /backup\.teams\[1\]: the team id "t1" appears twice/],
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
      keys: 2, models: 1, teams: 0, users: 0, apps: 0, replaced: { keys: 0, models: 0, teams: 0, users: 0, apps: 0 }, active_model: 'm',
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

describe('backup-routes: teams, users and key owners', () => {
  interface Hierarchy {
    gateway: ManagementGateway;
    teamIds: string[];
    keys: string[];
    /** What /team/info, /user/info and /key/info answer for every entity, by URL. */
    infos(target: ManagementGateway): Promise<Record<string, unknown>>;
  }

  async function hierarchy(): Promise<Hierarchy> {
    const gateway = await start();
    const ok = async (url: string, body: unknown) => {
      const res = await gateway.send('POST', url, { body });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
      return res.json();
    };
    const research = (await ok('/team/new', {
      team_alias: 'research', max_budget: 50, soft_budget: 40, budget_duration: '30d', team_member_budget: 10, tpm_limit: 1000, rpm_limit: 60, metadata: { cost_center: 'r&d' },
    })).team_id as string;
    const archived = (await ok('/team/new', { team_alias: 'archived' })).team_id as string;
    await ok('/team/block', { team_id: archived });
    await ok('/user/new', { user_id: 'alice', user_email: 'alice@example.com', user_role: 'internal_user', max_budget: 20, budget_duration: '7d', metadata: { desk: 4 }, auto_create_key: false });
    await ok('/user/new', { user_id: 'bob', auto_create_key: false });
    await ok('/team/member_add', { team_id: research, member: [{ user_id: 'alice', role: 'admin' }], max_budget_in_team: 5 });
    await ok('/team/member_add', { team_id: research, member: [{ user_id: 'bob', role: 'user' }] });
    await ok('/team/member_add', { team_id: archived, member: [{ user_id: 'bob', role: 'user' }] });
    const keys = [
      (await ok('/key/generate', { key_alias: 'alice-research', team_id: research, user_id: 'alice', max_budget: 3 })).key as string,
      (await ok('/key/generate', { key_alias: 'research-ci', team_id: research })).key as string,
      (await ok('/key/generate', { key_alias: 'bob-personal', user_id: 'bob' })).key as string,
      (await ok('/key/generate', { key_alias: 'ownerless' })).key as string,
    ];
    // Spend as the budget ledger leaves it (the backup must carry it at every level).
    gateway.db.db.prepare('UPDATE teams SET spend_micros = 12_345_000 WHERE id = ?').run(research);
    gateway.db.db.prepare("UPDATE team_memberships SET spend_micros = 2_500_000 WHERE user_id = 'alice'").run();
    gateway.db.db.prepare("UPDATE users SET spend_micros = 7_000_000 WHERE id = 'alice'").run();
    gateway.db.db.prepare("UPDATE virtual_keys SET spend_micros = 1_250_000 WHERE key_alias = 'alice-research'").run();
    const infos = async (target: ManagementGateway) => {
      const urls = [
        ...[research, archived].map((id) => `/team/info?team_id=${id}`),
        '/user/info?user_id=alice', '/user/info?user_id=bob', '/team/list',
        ...keys.map((key) => `/key/info?key=${key}`),
      ];
      const answers: Record<string, unknown> = {};
      for (const url of urls) {
        const res = await target.send('GET', url);
        expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
        answers[url] = res.json();
      }
      return answers;
    };
    return { gateway, teamIds: [research, archived], keys, infos };
  }

  it('restores the same teams, users, memberships and key owners after they were wiped: /team/info, /user/info and /key/info answer as before', async () => {
    const { gateway, teamIds, keys, infos } = await hierarchy();
    const before = await infos(gateway);
    const backup = (await gateway.send('GET', '/backup')).json() as BackupDocument;
    expect(backup).toMatchObject({ version: 3 });
    expect(backup.teams!.map((t) => [t.team_alias, t.spend_micros, t.blocked]).sort()).toEqual([['archived', 0, true], ['research', 12_345_000, false]]);
    expect(backup.team_memberships).toHaveLength(3);
    expect(backup.keys.map((k) => [k.key_alias, k.team_id, k.user_id])).toEqual([
      ['alice-research', teamIds[0], 'alice'], ['research-ci', teamIds[0], null], ['bob-personal', null, 'bob'], ['ownerless', null, null],
    ]);

    // Wipe: every team (with its keys), every user (with theirs), the last key.
    expect((await gateway.send('POST', '/team/delete', { body: { team_ids: teamIds } })).statusCode).toBe(200);
    expect((await gateway.send('POST', '/user/delete', { body: { user_ids: ['alice', 'bob'] } })).statusCode).toBe(200);
    expect((await gateway.send('POST', '/key/delete', { body: { key_aliases: ['ownerless'] } })).statusCode).toBe(200);
    expect((await gateway.send('GET', '/team/list')).json()).toEqual([]);
    for (const key of keys) expect((await gateway.send('GET', '/v1/models', { key })).statusCode).toBe(401);

    const restored = await gateway.send('POST', '/backup/restore', { body: { backup } });
    expect(restored.statusCode, restored.body).toBe(200);
    expect(restored.json()).toMatchObject({ keys: 4, teams: 2, users: 2, replaced: { keys: 0, teams: 0, users: 0 } });
    expect(await infos(gateway)).toEqual(before);
    for (const key of keys) expect((await gateway.send('GET', '/v1/models', { key })).statusCode).toBe(200);
  });

  it('restores into another gateway, replacing its own teams and users only with confirm, and names them when it asks', async () => {
    const { gateway, infos } = await hierarchy();
    const before = await infos(gateway);
    const backup = (await gateway.send('GET', '/backup')).json() as BackupDocument;
    const target = await start();
    expect((await target.send('POST', '/team/new', { body: { team_id: 'theirs', team_alias: 'theirs' } })).statusCode).toBe(200);
    expect((await target.send('POST', '/user/new', { body: { user_id: 'carol', auto_create_key: false } })).statusCode).toBe(200);

    const asked = await target.send('POST', '/backup/restore', { body: { backup } });
    expect(asked.statusCode).toBe(400);
    expect(asked.json().error.message).toBe('This gateway already has 0 keys, 1 team, 1 user and 0 models added in the dashboard; restoring replaces them all. Send "confirm": true to go ahead.');

    const restored = await target.send('POST', '/backup/restore', { body: { backup, confirm: true } });
    expect(restored.json()).toMatchObject({ teams: 2, users: 2, replaced: { keys: 0, teams: 1, users: 1 } });
    expect(await infos(target)).toEqual(before);
    expect((await target.send('GET', '/team/info?team_id=theirs')).statusCode).toBe(404);
    expect((await target.send('GET', '/user/info?user_id=carol')).statusCode).toBe(404);
  });

  it('restores a version-1 backup (written before teams): its keys come back ownerless and working, and no team or user is left', async () => {
    const { gateway, keys } = await hierarchy();
    const current = (await gateway.send('GET', '/backup')).json() as BackupDocument;
    const { teams: _t, users: _u, team_memberships: _m, ...rest } = current;
    const versionOne = { ...rest, version: 1, keys: current.keys.map(({ team_id: _team, user_id: _user, ...key }) => key) };

    const restored = await gateway.send('POST', '/backup/restore', { body: { backup: versionOne, confirm: true } });
    expect(restored.statusCode, restored.body).toBe(200);
    expect(restored.json()).toMatchObject({ keys: 4, teams: 0, users: 0, replaced: { keys: 4, teams: 2, users: 2 } });
    expect((await gateway.send('GET', '/team/list')).json()).toEqual([]);
    for (const key of keys) {
      expect((await gateway.send('GET', '/v1/models', { key })).statusCode).toBe(200);
      expect((await gateway.send('GET', `/key/info?key=${key}`)).json().info).toMatchObject({ team_id: null, user_id: null });
    }
  });

  it('refuses a backup whose key belongs to a team the backup does not have, naming the team, and changes nothing', async () => {
    const { gateway, teamIds, infos } = await hierarchy();
    const before = await infos(gateway);
    const backup = (await gateway.send('GET', '/backup')).json() as BackupDocument;
    // The team is cut out of the file, its memberships with it; its keys still name it.
    const dangling = { ...backup, teams: backup.teams!.filter((t) => t.id !== teamIds[0]), team_memberships: backup.team_memberships!.filter((m) => m.team_id !== teamIds[0]) };

    const refused = await gateway.send('POST', '/backup/restore', { body: { backup: dangling, confirm: true } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatchObject({ code: 'invalid_request', param: 'backup.keys[0].team_id' });
    expect(refused.json().error.message).toBe(`backup.keys[0]: the key "alice-research" belongs to team "${teamIds[0]}", which is not in the backup`);
    expect(await infos(gateway)).toEqual(before);
  });

  it('tells the key cache: a key cached with its owners is judged by the restored owners at once', async () => {
    const { gateway, teamIds, keys } = await hierarchy();
    const teamInfo = `/team/info?team_id=${teamIds[0]}`;
    // alice-research belongs to alice, an admin of research: it may read the team (and is now cached with those owners).
    expect((await gateway.send('GET', teamInfo, { key: keys[0]! })).statusCode).toBe(200);
    const backup = (await gateway.send('GET', '/backup')).json() as BackupDocument;
    const ownerless = { ...backup, keys: backup.keys.map((key) => (key.key_alias === 'alice-research' ? { ...key, team_id: null, user_id: null } : key)) };

    expect((await gateway.send('POST', '/backup/restore', { body: { backup: ownerless, confirm: true } })).statusCode).toBe(200);
    expect((await gateway.send('GET', teamInfo, { key: keys[0]! })).statusCode).toBe(403);
    expect((await gateway.send('GET', `/key/info?key=${keys[0]!}`)).json().info).toMatchObject({ team_id: null, user_id: null });
  });

  it('undoes the whole restore when a row fails to insert: keys, teams and users stay as they were', async () => {
    const { gateway, infos } = await hierarchy();
    const before = await infos(gateway);
    const backup = (await gateway.send('GET', '/backup')).json() as BackupDocument;
    // A failure after the deletes and the teams' and users' inserts: the memberships' insert aborts.
    gateway.db.db.exec("CREATE TEMP TRIGGER fail_restore BEFORE INSERT ON team_memberships BEGIN SELECT RAISE(ABORT, 'forced failure'); END");
    const failed = await gateway.send('POST', '/backup/restore', { body: { backup, confirm: true } });
    expect(failed.statusCode).toBe(500);
    gateway.db.db.exec('DROP TRIGGER fail_restore');
    expect(await infos(gateway)).toEqual(before);
  });

  describe('app rules (version 3)', () => {
    /** A gateway with two app rules (one never seen, one seen and partly spent), a seen app without a rule, and its rules cache. */
    async function withApps() {
      const gateway = await start();
      const rules = createAppRules({ store: gateway.apps, log: silentLog });
      rules.load();
      gateway.apps.markSeen('sync_notes');
      gateway.apps.markSeen('no_rule');
      gateway.apps.update('sync_notes', { max_budget: 2, budget_duration: '30d', rpm_limit: 10, tpm_limit: 5000, models: ['m'], default_model: 'm', allowed: true });
      gateway.db.db.prepare("UPDATE apps SET spend_micros = 750000, reserved_micros = 1000 WHERE app = 'sync_notes'").run();
      gateway.apps.update('ghost', { allowed: true });
      return { gateway, rules };
    }
    const app = (name: string, fields: Partial<BackupApp> = {}): BackupApp => ({
      app: name, max_budget_micros: null, budget_duration: null, budget_reset_at: null, spend_micros: 0, rpm_limit: null, tpm_limit: null,
      models: [], default_model: null, allowed: true, first_seen: null, last_seen: null, updated_at: 1, ...fields,
    });

    it('backs up every app with a rule (its spend and period, its seen history; not its reservations nor apps without a rule) and restores them into an empty gateway', async () => {
      const { gateway } = await withApps();
      const backup = (await gateway.send('GET', '/backup')).json() as BackupDocument;
      expect(backup.version).toBe(3);
      expect(backup.apps!.map((a) => a.app)).toEqual(['ghost', 'sync_notes']);
      const notes = backup.apps![1]!;
      expect(notes).toMatchObject({
        max_budget_micros: 2_000_000, budget_duration: '30d', spend_micros: 750_000, rpm_limit: 10, tpm_limit: 5000, models: ['m'], default_model: 'm', allowed: true,
        first_seen: gateway.clock.now(), last_seen: gateway.clock.now(),
      });
      expect(notes.budget_reset_at).toBeGreaterThan(gateway.clock.now());
      expect(notes).not.toHaveProperty('reserved_micros');
      expect(backup.apps![0]).toMatchObject({ allowed: true, first_seen: null });

      const target = await start();
      const targetRules = createAppRules({ store: target.apps, log: silentLog });
      targetRules.load();
      const restored = await target.send('POST', '/backup/restore', { body: { backup } });
      expect(restored.statusCode, restored.body).toBe(200);
      expect(restored.json()).toMatchObject({ apps: 2, replaced: { apps: 0 } });
      const before = (await gateway.send('GET', '/app/info?app=sync_notes')).json() as Record<string, unknown>;
      const after = (await target.send('GET', '/app/info?app=sync_notes')).json() as Record<string, unknown>;
      expect(after).toEqual(before);
      expect(target.apps.info('sync_notes')!.reservedMicros).toBe(0);
      expect(target.apps.info('ghost')).toMatchObject({ allowed: true, firstSeen: null });
      expect(target.apps.info('no_rule')).toBeNull();
      // The cache heard it, without a reload of its own.
      expect(targetRules.rule('sync_notes')).toMatchObject({ hasBudget: true, rpmLimit: 10, models: ['m'], defaultModel: 'm', allowed: true });
      expect(targetRules.rule('ghost')).toMatchObject({ allowed: true });
      expect((await target.send('GET', '/backup')).json()).toMatchObject({ apps: backup.apps });
    });

    it('needs confirm over a gateway with app rules, naming them; replaces them, keeping the seen history of apps already here', async () => {
      const { gateway, rules } = await withApps();
      const backup = { ...((await gateway.send('GET', '/backup')).json() as BackupDocument), keys: [], models: [], apps: [app('fresh', { rpm_limit: 1 })] };
      const asked = await gateway.send('POST', '/backup/restore', { body: { backup } });
      expect(asked.statusCode).toBe(400);
      expect(asked.json().error.message).toContain('2 app rules');
      const restored = await gateway.send('POST', '/backup/restore', { body: { backup, confirm: true } });
      expect(restored.statusCode, restored.body).toBe(200);
      expect(restored.json()).toMatchObject({ apps: 1, replaced: { apps: 2 } });
      expect(gateway.apps.rules().map((a) => a.app)).toEqual(['fresh']);
      // sync_notes was seen here: listed still, with no rule and no spend; ghost never was: gone.
      expect(gateway.apps.info('sync_notes')).toMatchObject({ maxBudgetMicros: null, spendMicros: 0, allowed: false, firstSeen: expect.any(Number) });
      expect(gateway.apps.info('ghost')).toBeNull();
      expect(rules.rule('sync_notes')).toBeUndefined();
      expect(rules.rule('ghost')).toBeUndefined();
      expect(rules.rule('fresh')).toMatchObject({ rpmLimit: 1 });
    });

    it('restores a version-2 backup (before app rules) over app rules: none is left, and the cache forgets them', async () => {
      const { gateway, rules } = await withApps();
      const { apps: _apps, ...current } = (await gateway.send('GET', '/backup')).json() as BackupDocument;
      const restored = await gateway.send('POST', '/backup/restore', { body: { backup: { ...current, version: 2 }, confirm: true } });
      expect(restored.statusCode, restored.body).toBe(200);
      expect(restored.json()).toMatchObject({ apps: 0, replaced: { apps: 2 } });
      expect(gateway.apps.rules()).toEqual([]);
      expect(rules.hasRules()).toBe(false);
      expect(gateway.apps.list().map((a) => a.app)).toEqual(['no_rule', 'sync_notes']);
    });

    it.each<[string, BackupApp[], RegExp]>([
      ['the same app twice', [app('sync_notes'), app('sync_notes', { rpm_limit: 3 })], /^backup\.apps\[1\] \(app "sync_notes"\): the app appears twice$/],
      ['an entry without a rule', [app('fresh'), app('empty', { allowed: false })], /^backup\.apps\[1\] \(app "empty"\): the entry sets no rule/],
      ['a budget period the gateway cannot read', [app('fresh', { max_budget_micros: 1, budget_duration: '30 days', budget_reset_at: 5 })], /^backup\.apps\[0\] \(app "fresh"\): backup\.apps\[0\]\.budget_duration must look like 30s/],
      ['a budget period that never resets', [app('fresh', { max_budget_micros: 1, budget_duration: '30d' })], /^backup\.apps\[0\] \(app "fresh"\): budget_duration "30d" needs a budget_reset_at$/],
    ])('refuses %s by the app\'s name with a clear 400 and changes nothing', async (_name, apps, message) => {
      const { gateway, rules } = await withApps();
      const backup = { ...((await gateway.send('GET', '/backup')).json() as BackupDocument), keys: [], apps };
      const before = gateway.apps.list();
      const refused = await gateway.send('POST', '/backup/restore', { body: { backup, confirm: true } });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error.message).toMatch(message);
      expect(gateway.apps.list()).toEqual(before);
      expect(rules.rule('sync_notes')).toMatchObject({ hasBudget: true });
    });

    it('refuses an app entry the schema rejects (a negative spend) by its path and changes nothing', async () => {
      const { gateway } = await withApps();
      const backup = { ...((await gateway.send('GET', '/backup')).json() as BackupDocument), apps: [app('fresh', { spend_micros: -1 })] };
      const before = gateway.apps.list();
      const refused = await gateway.send('POST', '/backup/restore', { body: { backup, confirm: true } });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error.message).toContain('backup.apps.0.spend_micros: must be at least 0');
      expect(gateway.apps.list()).toEqual(before);
    });

    it('undoes the whole restore when an app rule fails to write, and the cache keeps the rules that stayed', async () => {
      const { gateway, rules } = await withApps();
      const key = (await gateway.send('POST', '/key/generate', { body: { key_alias: 'kept' } })).json() as { key: string };
      const backup = { ...((await gateway.send('GET', '/backup')).json() as BackupDocument), keys: [], apps: [app('fresh', { rpm_limit: 1 })] };
      const before = gateway.apps.list();
      // After the keys' delete, the settings and the rules' clear: the rules' insert aborts.
      gateway.db.db.exec("CREATE TEMP TRIGGER fail_restore BEFORE INSERT ON apps BEGIN SELECT RAISE(ABORT, 'forced failure'); END");
      const failed = await gateway.send('POST', '/backup/restore', { body: { backup, confirm: true } });
      expect(failed.statusCode).toBe(500);
      gateway.db.db.exec('DROP TRIGGER fail_restore');
      expect(gateway.apps.list()).toEqual(before);
      expect((await gateway.send('GET', '/v1/models', { key: key.key })).statusCode).toBe(200);
      expect(rules.rule('sync_notes')).toMatchObject({ hasBudget: true, rpmLimit: 10 });
      expect(rules.rule('fresh')).toBeUndefined();
    });
  });
});
