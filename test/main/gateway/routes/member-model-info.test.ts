// GET /model/info (and /v1, /v2) for a user's key, the dashboard's read-only Models page for members
// and team admins: only the model groups that key may call (its own models within its team's), in
// the admin's answer shape, with nothing of the admin's business (api_base, the credential reference,
// the config file's path). A plain virtual key is still refused; the writes stay admin only.
import { afterEach, describe, expect, it } from 'vitest';
import { modelInfoListSchema } from '../../../../shared/api/model-schemas.js';
import { MANAGEMENT_MASTER_KEY, startManagementGateway, type ManagementGateway } from '../../../support/management-gateway.js';

let gateway: ManagementGateway | undefined;
afterEach(async () => {
  await gateway?.dispose();
  gateway = undefined;
});

/** The config's `m`, plus three dashboard models on a private server; team t1 may use m and gpt-*. */
async function world() {
  gateway = await startManagementGateway();
  for (const name of ['gpt-a', 'gpt-b', 'claude-c']) {
    const made = await gateway.send('POST', '/model/new', {
      body: { model_name: name, litellm_params: { model: `openai/${name}`, api_base: 'http://10.1.2.3:8000/v1/private-token-in-path', api_key: 'keychain/upstream' } },
    });
    expect(made.statusCode).toBe(200);
  }
  gateway.users.create({ user_id: 'u1', user_role: 'internal_user' });
  gateway.users.create({ user_id: 'u-boss', user_role: 'proxy_admin' });
  gateway.teams.create({ team_id: 't1', models: ['m', 'gpt-*'], members: [{ user_id: 'u1', role: 'member' }] });
  return {
    teamKey: gateway.keys.create({ user_id: 'u1', team_id: 't1' }).key,
    narrowKey: gateway.keys.create({ user_id: 'u1', team_id: 't1', models: ['gpt-a'] }).key,
    noTeamKey: gateway.keys.create({ user_id: 'u1' }).key,
    plainKey: gateway.keys.create({ key_alias: 'app' }).key,
    bossKey: gateway.keys.create({ user_id: 'u-boss' }).key,
  };
}

const names = async (key: string, path = '/model/info') => {
  const response = await gateway!.send('GET', path, { key });
  expect(response.statusCode, path).toBe(200);
  return (response.json().data as { model_name: string }[]).map((e) => e.model_name).sort();
};

describe('GET /model/info for a user\'s key', () => {
  it('lists only the model groups the key may call: its own models within its team\'s', async () => {
    const keys = await world();
    // An empty key list means "the team's models".
    expect(await names(keys.teamKey)).toEqual(['gpt-a', 'gpt-b', 'm']);
    expect(await names(keys.narrowKey)).toEqual(['gpt-a']);
    // No team: the key's own (empty: every) models.
    expect(await names(keys.noTeamKey)).toEqual(['claude-c', 'gpt-a', 'gpt-b', 'm']);
    for (const path of ['/v1/model/info', '/v2/model/info']) expect(await names(keys.teamKey, path), path).toEqual(['gpt-a', 'gpt-b', 'm']);
    expect((await gateway!.send('GET', '/v2/model/info', { key: keys.teamKey })).json().total_count).toBe(3);
    // The admin and a proxy_admin's key see every deployment.
    expect(await names(MANAGEMENT_MASTER_KEY)).toEqual(['claude-c', 'gpt-a', 'gpt-b', 'm']);
    expect(await names(keys.bossKey)).toEqual(['claude-c', 'gpt-a', 'gpt-b', 'm']);
  });

  it('answers the admin\'s shape without the server address, the credential reference or the config path', async () => {
    const keys = await world();
    const member = (await gateway!.send('GET', '/model/info', { key: keys.teamKey })).json();
    expect(() => modelInfoListSchema.parse(member)).not.toThrow();
    const text = JSON.stringify(member);
    for (const secret of ['10.1.2.3', 'private-token-in-path', '127.0.0.1:9', 'keychain/upstream', 'c.yaml']) expect(text).not.toContain(secret);
    const entry = member.data.find((e: { model_name: string }) => e.model_name === 'm');
    expect(entry.litellm_params).toMatchObject({ model: 'openai/m', api_base: '' });
    expect(entry.litellm_params.api_key).toBeUndefined();
    expect(entry.model_info).toMatchObject({ source: 'config', source_file: null, provider: 'openai', credential: 'keychain' });
    // The admin's answer keeps them.
    const admin = (await gateway!.send('GET', '/model/info')).json();
    expect(admin.data.find((e: { model_name: string }) => e.model_name === 'gpt-a').litellm_params).toMatchObject({ api_base: 'http://10.1.2.3:8000/v1/private-token-in-path', api_key: 'keychain/upstream' });
  });

  it('still refuses a plain virtual key, and every model write to a user\'s key', async () => {
    const keys = await world();
    const plain = await gateway!.send('GET', '/model/info', { key: keys.plainKey });
    expect(plain.statusCode).toBe(403);
    expect(plain.json().error.code).toBe('admin_only');
    for (const [method, path, body] of [
      ['POST', '/model/new', { model_name: 'x', litellm_params: { model: 'openai/x', api_base: 'http://127.0.0.1:9/v1' } }],
      ['POST', '/model/delete', { id: 'm' }],
      ['POST', '/model/test', { model: 'm' }],
      ['POST', '/active-model', { model: 'm' }],
    ] as const) {
      const refused = await gateway!.send(method, path, { key: keys.teamKey, body });
      expect(refused.statusCode, path).toBe(403);
    }
  });
});
