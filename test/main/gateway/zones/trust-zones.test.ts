// The trust zones, enumerated from the server's own onRoute record rather than a hand-written
// list: every route sits in the zone its path says; a browser origin allowed for inference gets
// CORS there and nothing on the management API (it turned body logging on and listed keys from a
// web page, issue 11 item 1); the management API admits the dashboard's own origin only, without
// CORS headers, and one role hook gives each caller what the README's table says. The inference routes
// admit the own origin too (the playground), never with CORS headers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createUsageLedger } from '../../../../main/metering/usage-ledger.js';
import { usageRecord } from '../../metering/usage-test-kit.js';
import { silentLog } from '../../../support/silent-log.js';
import { MANAGEMENT_MASTER_KEY, OWN_ORIGIN, startManagementGateway, type ManagementGateway } from '../../../support/management-gateway.js';
import type { RegisteredRoute } from '../../../../main/gateway/zones/route-zone.js';

const ALLOWED = 'http://localhost:5173';
let gateway: ManagementGateway;
let keyId: string;
let virtualKey: string;
let storedModelId: string;

beforeAll(async () => {
  gateway = await startManagementGateway();
  expect((await gateway.send('POST', '/settings', { body: { allowed_origins: [ALLOWED] } })).statusCode).toBe(200);
  const created = gateway.keys.create({ key_alias: 'app' });
  keyId = created.record.id;
  virtualKey = created.key;
  const model = await gateway.send('POST', '/model/new', { body: { model_name: 'stored', litellm_params: { model: 'openai/s', api_base: 'http://127.0.0.1:9/v1' } } });
  expect(model.statusCode).toBe(200);
  storedModelId = model.json().model_info.id;
  expect((await gateway.send('POST', '/active-model', { body: { model: 'm', alias: 'keep' } })).statusCode).toBe(200);
});
afterAll(() => gateway.dispose());

/** The zone a path belongs to, from its shape alone. */
function zoneOf(url: string): RegisteredRoute['zone'] {
  if (url === '/' || url.startsWith('/assets/')) return 'dashboard';
  if (/^(\/v1)?\/(chat\/completions|completions|embeddings|models|messages|responses)(\/|$)/.test(url) || url.startsWith('/api/')) return 'inference';
  return 'management';
}

/** A concrete URL for a route pattern, naming things that exist (so an admitted request would act). */
function concrete(url: string): string {
  return url
    .replace(':key', keyId)
    .replace(':name', 'upstream')
    .replace('/active-model/aliases/*', '/active-model/aliases/keep')
    .replace('/assets/*', '/assets/app.js')
    .replace('/*', '/m');
}

/** Bodies that would change something if the request were admitted. */
function bodyFor(method: string, url: string): unknown {
  if (!['POST', 'PUT', 'PATCH'].includes(method)) return undefined;
  const bodies: Record<string, unknown> = {
    '/settings': { body_logging: true, allowed_origins: [] },
    '/key/generate': { key_alias: 'from-a-web-page' },
    '/key/update': { key: keyId, key_alias: 'renamed' },
    '/key/delete': { keys: [keyId] },
    '/key/regenerate': { key: keyId },
    '/key/block': { key: keyId },
    '/key/unblock': { key: keyId },
    '/model/new': { model_name: 'page', litellm_params: { model: 'openai/p', api_base: 'http://127.0.0.1:9/v1' } },
    '/model/update': { model_info: { id: storedModelId }, model_name: 'renamed' },
    '/model/delete': { id: storedModelId },
    '/model/test': { model: 'm' },
    '/active-model': { model: 'm', alias: 'from-a-web-page' },
    '/credentials': { name: 'page', value: 'sk-from-a-web-page-0000' },
    '/credentials/:name': { value: 'sk-changed-by-a-web-page-0000' },
  };
  return bodies[url] ?? {};
}

async function snapshot(): Promise<unknown> {
  const read = async (url: string) => (await gateway.send('GET', url)).json();
  return {
    settings: await read('/settings'),
    keys: await read('/key/list'),
    models: await read('/model/info'),
    credentials: await read('/credentials'),
    activeModel: await read('/active-model'),
    upstreamSecret: await gateway.secrets.get('upstream'),
  };
}

/** Management routes by path shape, so this list never depends on the tags it checks. */
const management = () => gateway.routes().filter((r) => zoneOf(r.url) === 'management');

describe('trust zones', () => {
  it('puts every route in the zone its path says, and none outside a zone', () => {
    const routes = gateway.routes();
    expect(routes.length).toBeGreaterThan(40);
    // The Ollama listener's `/` ("Ollama is running") is an inference route; the main port's `/` stays the dashboard's.
    for (const route of routes) expect(route.zone, `${route.method} ${route.url}`).toBe(route.listener === 'ollama' ? 'inference' : zoneOf(route.url));
    expect(routes.filter((r) => r.listener === 'ollama').map((r) => `${r.method} ${r.url}`)).toEqual(['GET /', 'OPTIONS /', 'HEAD /']);
    expect(management().map((r) => r.url)).toEqual(expect.arrayContaining(['/key/list', '/settings', '/credentials', '/spend/logs', '/v2/model/info', '/health/liveliness']));
  });

  it('refuses a browser origin allowed for inference on every management route, and nothing changes', async () => {
    const before = await snapshot();
    for (const route of management()) {
      const url = concrete(route.url);
      const res = await gateway.send(route.method, url, { body: bodyFor(route.method, route.url), headers: { origin: ALLOWED } });
      const where = `${route.method} ${url}`;
      expect(res.statusCode, where).toBe(403);
      if (route.method !== 'HEAD') expect(res.json().error, where).toMatchObject({ type: 'permission_error', code: 'forbidden_origin' });
      expect(res.headers['access-control-allow-origin'], where).toBeUndefined();
    }
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a Referer from an allowed origin on management routes too', async () => {
    const res = await gateway.send('POST', '/settings', { body: { body_logging: true }, headers: { referer: `${ALLOWED}/app` } });
    expect(res.statusCode).toBe(403);
    expect(gateway.settings.values().bodyLogging).toBe(false);
  });

  it.each([OWN_ORIGIN, 'http://localhost:4141', 'http://[::1]:4141'])('admits the dashboard from its own origin %s, without CORS headers', async (origin) => {
    const read = await gateway.send('GET', '/settings', { headers: { origin } });
    expect(read.statusCode).toBe(200);
    expect(read.headers['access-control-allow-origin']).toBeUndefined();
    const list = await gateway.send('GET', '/key/list', { headers: { origin } });
    expect(list.statusCode).toBe(200);
    expect(list.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('admits the allowed origin on inference routes, with CORS for it alone, and answers its preflight', async () => {
    const models = await gateway.send('GET', '/v1/models', { headers: { origin: ALLOWED } });
    expect(models.statusCode).toBe(200);
    expect(models.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(models.headers.vary).toContain('Origin');
    const tokens = await gateway.send('POST', '/v1/messages/count_tokens', { body: { model: 'm', messages: [{ role: 'user', content: 'hi' }] }, headers: { origin: ALLOWED } });
    expect(tokens.statusCode).toBe(200);
    expect(tokens.headers['access-control-allow-origin']).toBe(ALLOWED);
    const preflight = await gateway.send('OPTIONS', '/v1/chat/completions', { key: null, headers: { origin: ALLOWED, 'access-control-request-method': 'POST' } });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(preflight.headers['access-control-allow-methods']).toContain('POST');
  });

  it('answers no preflight on management routes, even for the allowed origin', async () => {
    const res = await gateway.send('OPTIONS', '/settings', { key: null, headers: { origin: ALLOWED, 'access-control-request-method': 'POST' } });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('admits the gateway own origin on inference routes (the dashboard playground), without CORS headers, with the key it sends deciding', async () => {
    const res = await gateway.send('GET', '/v1/models', { headers: { origin: OWN_ORIGIN } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const keyless = await gateway.send('GET', '/v1/models', { key: null, headers: { origin: OWN_ORIGIN } });
    expect(keyless.statusCode).toBe(401);
    const lookalike = await gateway.send('GET', '/v1/models', { headers: { origin: `${OWN_ORIGIN}.evil.example` } });
    expect(lookalike.statusCode).toBe(403);
  });

  it('keeps refusals on the Anthropic routes in Anthropic shape', async () => {
    const res = await gateway.send('POST', '/v1/messages', { body: { model: 'm' }, headers: { origin: 'https://evil.example' } });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ type: 'error', error: { type: 'permission_error' } });
  });

  it('gives each caller on every management route exactly what the README\'s "Who may call what" table says', async () => {
    const table = readAccessTable();
    // Every registered management route falls under a row: the named ones, or "every other".
    const others = table.get('*')!;
    expect(others).toEqual({ 'No key': 'no', 'Virtual key': 'no', "Member's key": 'no', "Team admin's key": 'no', 'Admin key': 'yes' });
    const world = await teamWorld();
    const otherKey = gateway.keys.create({ key_alias: 'other-app' });
    const callers = [['No key', null], ['Virtual key', virtualKey], ["Member's key", world.memberKey], ["Team admin's key", world.adminKey], ['Admin key', MANAGEMENT_MASTER_KEY]] as const;
    let named = 0;
    for (const route of management()) {
      const url = concrete(route.url);
      const where = `${route.method} ${url}`;
      const row = table.get(`${route.method} ${route.url}`) ?? (route.method === 'HEAD' ? table.get(`GET ${route.url}`) : undefined);
      if (row !== undefined) named += 1;
      const rule = row ?? others;
      // A body that cannot parse: the role hook answers before the parser, so a refusal is a
      // 401/403 and an admission a 400 invalid_json, and no admitted probe changes anything.
      const probe = (key: string | null, path = url) => ['GET', 'HEAD'].includes(route.method)
        ? gateway.send(route.method, path, { key })
        : gateway.app.inject({
          method: route.method as 'POST', url: path, payload: '{not json',
          headers: { host: '127.0.0.1:4141', 'content-type': 'application/json', ...(key === null ? {} : { authorization: `Bearer ${key}` }) },
        });
      const admitted = (status: number) => status !== 401 && status !== 403;
      for (const [caller, key] of callers) {
        const says = rule[caller];
        const who = `${where} as ${caller} (table: ${says})`;
        if (says === 'no') {
          let res = await probe(key);
          // A route that checks a team named in its body (after parsing): refused once the body names one.
          if (key !== null && res.statusCode === 400 && route.method === 'POST') res = await gateway.send('POST', url, { key, body: { team_id: world.teamId, member: { user_id: 'u-new', role: 'user' }, user_id: 'u-member' } });
          expect(res.statusCode, who).toBe(key === null ? 401 : 403);
          if (key !== null && route.method !== 'HEAD') expect(['admin_only', 'outside_your_scope'], who).toContain(res.json().error.code);
        } else if (says === 'yes' || says === 'any key' || says === 'report') {
          const res = await probe(key);
          expect(admitted(res.statusCode), `${who}: ${res.statusCode}`).toBe(true);
          // Past the role hook and stopped by the parser: nothing was changed by the probe.
          if (!['GET', 'HEAD'].includes(route.method)) expect(res.json().error?.code, who).toBe('invalid_json');
        } else if (says === 'status only') {
          const res = await probe(key);
          expect(res.statusCode, who).toBe(200);
          if (route.method !== 'HEAD') expect(res.json(), who).toEqual({ status: 'ready' });
        } else if (says === 'its own key only') {
          const [ownKey, ownId] = key === virtualKey ? [virtualKey, keyId] : key === world.memberKey ? [world.memberKey, world.memberKeyId] : [world.adminKey, world.adminKeyId];
          const res = await probe(key);
          expect(res.statusCode, who).toBe(200);
          if (route.method !== 'HEAD') expect(res.json().info.token, who).toBe(ownId);
          // Itself by plaintext and by id; another key (existing or not) refused alike.
          for (const self of [ownKey, ownId]) expect((await probe(key, `${route.url}?key=${encodeURIComponent(self)}`)).statusCode, `${who} ?key=self`).toBe(200);
          for (const other of [otherKey.key, otherKey.record.id, 'key_does_not_exist']) {
            const refused = await probe(key, `${route.url}?key=${encodeURIComponent(other)}`);
            expect(refused.statusCode, `${who} ?key=other`).toBe(403);
            if (route.method !== 'HEAD') expect(refused.json().error, `${who} ?key=other`).toMatchObject({ type: 'permission_error', code: 'not_own_key' });
          }
        } else if (route.method !== 'HEAD') {
          // The scoped cells: what this user may reach on this route, and what it may not.
          const check = SCOPED_CELLS[`${says} @ ${route.method} ${route.url}`];
          if (check === undefined) throw new Error(`README table cell not understood: ${JSON.stringify(says)} (${who})`);
          await check(key!, world, who);
        }
      }
      if (rule['Admin key'] === 'any key') {
        const res = await probe(MANAGEMENT_MASTER_KEY, `${route.url}?key=${encodeURIComponent(otherKey.record.id)}`);
        expect(res.statusCode, `${where} admin ?key=other`).toBe(200);
        if (route.method !== 'HEAD') expect(res.json().info.token).toBe(otherKey.record.id);
      }
      // A proxy_admin user's key is the admin key on every route the admin may call.
      if (rule['Admin key'] === 'yes' && !route.url.startsWith('/health/')) {
        const res = await probe(world.bossKey);
        expect(admitted(res.statusCode), `${where} as a proxy_admin's key: ${res.statusCode}`).toBe(true);
      }
    }
    // Every named row matched a registered route (a renamed route must not leave a stale row).
    const namedRows = [...table.keys()].filter((k) => k !== '*');
    for (const row of namedRows) expect(management().some((r) => `${r.method} ${r.url}` === row), `README row ${row}`).toBe(true);
    expect(named).toBeGreaterThanOrEqual(namedRows.length);
  });
});

interface TeamWorld {
  teamId: string;
  otherTeamId: string;
  memberKey: string;
  memberKeyId: string;
  adminKey: string;
  adminKeyId: string;
  /** A key of the team with no user (a service account), and a key of a user outside the team. */
  teamServiceKeyId: string;
  outsiderKeyId: string;
  bossKey: string;
}

/** Team T1 with an admin (u-admin) and a member (u-member), a team T2 neither belongs to, a proxy_admin, and one usage row per key. */
async function teamWorld(): Promise<TeamWorld> {
  for (const user_id of ['u-member', 'u-admin', 'u-outsider']) gateway.users.create({ user_id, user_role: 'internal_user' });
  gateway.users.create({ user_id: 'u-boss', user_role: 'proxy_admin' });
  const team = gateway.teams.create({ team_id: 't1', team_alias: 'research', members: [{ user_id: 'u-admin', role: 'admin' }, { user_id: 'u-member', role: 'member' }] });
  const other = gateway.teams.create({ team_id: 't2', team_alias: 'sales' });
  const member = gateway.keys.create({ key_alias: 'member-laptop', user_id: 'u-member', team_id: team.id });
  const admin = gateway.keys.create({ key_alias: 'admin-laptop', user_id: 'u-admin', team_id: team.id });
  const service = gateway.keys.create({ key_alias: 'team-service', team_id: team.id });
  const outsider = gateway.keys.create({ key_alias: 'outsider', user_id: 'u-outsider', team_id: other.id });
  const boss = gateway.keys.create({ key_alias: 'boss', user_id: 'u-boss' });
  const ledger = createUsageLedger(gateway.db.db, { clock: gateway.clock, log: silentLog });
  for (const record of [member, admin, service, outsider].map((k) => k.record)) ledger.record(usageRecord({ keyId: record.id, keyAlias: record.keyAlias, ts: gateway.clock.now() }));
  ledger.close();
  return {
    teamId: team.id, otherTeamId: other.id, memberKey: member.key, memberKeyId: member.record.id, adminKey: admin.key, adminKeyId: admin.record.id,
    teamServiceKeyId: service.record.id, outsiderKeyId: outsider.record.id, bossKey: boss.key,
  };
}

type ScopedCheck = (key: string, world: TeamWorld, who: string) => Promise<void>;

/** The key-changing routes, each done on a spare key the caller may change and refused on others' keys. */
function keyChangeCells(): Record<string, ScopedCheck> {
  let n = 0;
  const act = (route: string, id: string): [string, string, unknown] => {
    n += 1;
    if (route === '/key/:key/regenerate') return ['POST', `/key/${id}/regenerate`, {}];
    if (route === '/key/delete') return ['POST', route, { keys: [id] }];
    if (route === '/key/update') return ['POST', route, { key: id, key_alias: `renamed-${n}` }];
    return ['POST', route, { key: id }];
  };
  const cells: Record<string, ScopedCheck> = {};
  for (const route of ['/key/update', '/key/delete', '/key/regenerate', '/key/:key/regenerate', '/key/block', '/key/unblock']) {
    const check = (teamAdmin: boolean): ScopedCheck => async (key, world, who) => {
      const mine = gateway.keys.create({ user_id: ownUser(key, world) }).record.id;
      const teams = gateway.keys.create({ team_id: world.teamId }).record.id;
      for (const id of teamAdmin ? [mine, teams] : [mine]) {
        const [method, path, body] = act(route, id);
        const done = await gateway.send(method, path, { key, body });
        expect(done.statusCode, `${who}: ${path} on ${id}`).toBe(200);
      }
      const refused = teamAdmin ? [world.outsiderKeyId, 'key_does_not_exist'] : [teams, world.outsiderKeyId, 'key_does_not_exist'];
      for (const id of refused) {
        const [method, path, body] = act(route, id);
        const res = await gateway.send(method, path, { key, body });
        expect(res.statusCode, `${who}: ${path} on ${id}`).toBe(403);
        expect(res.json().error.code, `${who}: ${path} on ${id}`).toBe('outside_your_scope');
      }
    };
    cells[`its user's keys @ POST ${route}`] = check(false);
    cells[`its user's keys, or a team it admins @ POST ${route}`] = check(true);
  }
  // By alias: never for a user's key.
  cells["its user's keys @ POST /key/delete"] = withAliasRefusal(cells["its user's keys @ POST /key/delete"]!);
  return cells;
}

function withAliasRefusal(check: ScopedCheck): ScopedCheck {
  return async (key, world, who) => {
    await check(key, world, who);
    await refusedOutside('/key/delete', key, who, { key_aliases: ['member-laptop'] });
  };
}

async function refusedOutside(path: string, key: string, who: string, body?: unknown): Promise<void> {
  const res = await gateway.send(body === undefined ? 'GET' : 'POST', path, { key, ...(body === undefined ? {} : { body }) });
  expect(res.statusCode, `${who}: ${path}`).toBe(403);
  expect(res.json().error, `${who}: ${path}`).toMatchObject({ type: 'permission_error', code: 'outside_your_scope' });
}

const keyTokens = async (path: string, key: string) => ((await gateway.send('GET', path, { key })).json().keys as { token: string }[]).map((k) => k.token).sort();
const logKeys = async (path: string, key: string) => [...new Set(((await gateway.send('GET', path, { key })).json().data as { api_key: string }[]).map((r) => r.api_key))].sort();
const summaryGroups = async (path: string, key: string) => ((await gateway.send('GET', path, { key })).json().groups as { group: string }[]).map((g) => g.group).sort();
const ALL_GROUP_BYS = ['app', 'model', 'provider', 'day', 'key', 'team', 'user'];

/** /usage/summary and /usage/timeline as a user's key: its own usage by every grouping; (teamAdmin) its team's with team_id. */
function usageCells(route: '/usage/summary' | '/usage/timeline', teamAdmin: boolean): ScopedCheck {
  // One usage row per key in the world (teamWorld): what the caller sees is counted in requests.
  const requests = async (path: string, key: string) => {
    const body = (await gateway.send('GET', path, { key })).json();
    return route === '/usage/summary' ? (body.totals.requests as number) : (body.points as { requests: number }[]).reduce((n, p) => n + p.requests, 0);
  };
  const base = route === '/usage/summary' ? '/usage/summary?group_by=key' : '/usage/timeline?bucket=day';
  return async (key, world, who) => {
    expect(await requests(base, key), who).toBe(1);
    if (route === '/usage/summary') {
      expect(await summaryGroups(base, key), who).toEqual([ownKeyId(key, world)]);
      for (const groupBy of ALL_GROUP_BYS) expect(await requests(`/usage/summary?group_by=${groupBy}`, key), `${who} by ${groupBy}`).toBe(1);
      expect(await summaryGroups('/usage/summary?group_by=user', key), who).toEqual([ownUser(key, world)]);
      // Another key named: the filter meets the caller's own scope, so nothing of it shows.
      expect(await requests(`/usage/summary?key_id=${world.outsiderKeyId}`, key), who).toBe(0);
    }
    await refusedOutside(`${base}&user_id=u-outsider`, key, who);
    await refusedOutside(`${base}&team_id=${world.otherTeamId}`, key, who);
    if (!teamAdmin) {
      await refusedOutside(`${base}&team_id=${world.teamId}`, key, who);
      return;
    }
    expect(await requests(`${base}&team_id=${world.teamId}`, key), who).toBe(3);
    if (route === '/usage/summary') {
      expect(await summaryGroups(`${base}&team_id=${world.teamId}`, key), who).toEqual([world.memberKeyId, world.adminKeyId, world.teamServiceKeyId].sort());
      expect(await summaryGroups(`/usage/summary?group_by=user&team_id=${world.teamId}`, key), who).toEqual(['', 'u-admin', 'u-member']);
      expect(await summaryGroups(`/usage/summary?group_by=team&team_id=${world.teamId}`, key), who).toEqual([world.teamId]);
    }
  };
}

/** /model/info read by a user's key: the groups it may call (here every one: neither key nor team restricts), without admin details. */
function modelInfoCell(path: string): ScopedCheck {
  return async (key, _world, who) => {
    const res = await gateway.send('GET', path, { key });
    expect(res.statusCode, who).toBe(200);
    const entries = res.json().data as { model_name: string; litellm_params: { api_base: string; api_key?: string }; model_info: { source_file: string | null } }[];
    const admin = (await gateway.send('GET', path)).json().data as { model_name: string }[];
    expect(entries.map((e) => e.model_name), who).toEqual(admin.map((e) => e.model_name));
    expect(entries.length, who).toBeGreaterThan(0);
    for (const entry of entries) expect([entry.litellm_params.api_base, entry.litellm_params.api_key, entry.model_info.source_file], who).toEqual(['', undefined, null]);
  };
}

const idsOwnedBy = (filter: { userId?: string; teamId?: string }) => gateway.keys.list({ ...filter, pageSize: 100 }).keys.map((k) => k.id).sort();
const ownKeyId = (key: string, world: TeamWorld) => (key === world.memberKey ? world.memberKeyId : world.adminKeyId);
const ownUser = (key: string, world: TeamWorld) => (key === world.memberKey ? 'u-member' : 'u-admin');

/** One check per scoped cell of the README table ("cell @ METHOD /path"). */
const SCOPED_CELLS: Record<string, ScopedCheck> = {
  "its user's keys @ GET /key/list": async (key, world, who) => {
    // Its user's keys (the cells before may have made more of them), and nobody else's.
    expect(await keyTokens('/key/list', key), who).toEqual(idsOwnedBy({ userId: ownUser(key, world) }));
    expect(await keyTokens('/key/list', key), who).toContain(ownKeyId(key, world));
    await refusedOutside('/key/list?user_id=u-outsider', key, who);
    await refusedOutside(`/key/list?team_id=${world.teamId}`, key, who);
  },
  "its user's keys, or a team it admins @ GET /key/list": async (key, world, who) => {
    expect(await keyTokens('/key/list', key), who).toEqual(idsOwnedBy({ userId: ownUser(key, world) }));
    expect(await keyTokens(`/key/list?team_id=${world.teamId}`, key), who).toEqual(idsOwnedBy({ teamId: world.teamId }));
    expect(idsOwnedBy({ teamId: world.teamId }), who).toEqual(expect.arrayContaining([world.memberKeyId, world.adminKeyId, world.teamServiceKeyId]));
    await refusedOutside(`/key/list?team_id=${world.otherTeamId}`, key, who);
    await refusedOutside('/key/list?user_id=u-outsider', key, who);
  },
  "its user's usage @ GET /spend/logs": async (key, world, who) => {
    expect(await logKeys('/spend/logs', key), who).toEqual([ownKeyId(key, world)]);
    await refusedOutside('/spend/logs?user_id=u-outsider', key, who);
    await refusedOutside(`/spend/logs?team_id=${world.teamId}`, key, who);
  },
  "its user's usage, or a team it admins @ GET /spend/logs": async (key, world, who) => {
    expect(await logKeys('/spend/logs', key), who).toEqual([ownKeyId(key, world)]);
    expect(await logKeys(`/spend/logs?team_id=${world.teamId}`, key), who).toEqual([world.memberKeyId, world.adminKeyId, world.teamServiceKeyId].sort());
    await refusedOutside(`/spend/logs?team_id=${world.otherTeamId}`, key, who);
  },
  "its user's usage @ GET /usage/summary": usageCells('/usage/summary', false),
  "its user's usage, or a team it admins @ GET /usage/summary": usageCells('/usage/summary', true),
  "its user's usage @ GET /usage/timeline": usageCells('/usage/timeline', false),
  "its user's usage, or a team it admins @ GET /usage/timeline": usageCells('/usage/timeline', true),
  ...Object.fromEntries(['/model/info', '/v1/model/info', '/v2/model/info'].map((path) => [`models its key may call @ GET ${path}`, modelInfoCell(path)])),
  "its user's teams @ GET /team/list": async (key, world, who) => {
    const teams = (await gateway.send('GET', '/team/list', { key })).json() as { team_id: string }[];
    expect(teams.map((t) => t.team_id), who).toEqual([world.teamId]);
    await refusedOutside('/team/list?user_id=u-outsider', key, who);
  },
  "its user's teams @ GET /team/info": async (key, world, who) => {
    const info = await gateway.send('GET', `/team/info?team_id=${world.teamId}`, { key });
    expect(info.statusCode, who).toBe(200);
    expect(info.json().team_info.team_alias, who).toBe('research');
    await refusedOutside(`/team/info?team_id=${world.otherTeamId}`, key, who);
    await refusedOutside('/team/info?team_id=no-such-team', key, who);
  },
  'a team it admins @ POST /team/member_add': async (key, world, who) => {
    const added = await gateway.send('POST', '/team/member_add', { key, body: { team_id: world.teamId, member: { user_id: 'u-added', role: 'user' } } });
    expect(added.statusCode, who).toBe(200);
    await refusedOutside('/team/member_add', key, who, { team_id: world.otherTeamId, member: { user_id: 'u-sneak', role: 'user' } });
  },
  'a team it admins @ POST /team/member_update': async (key, world, who) => {
    const changed = await gateway.send('POST', '/team/member_update', { key, body: { team_id: world.teamId, user_id: 'u-added', max_budget_in_team: 3 } });
    expect(changed.statusCode, who).toBe(200);
    await refusedOutside('/team/member_update', key, who, { team_id: world.otherTeamId, user_id: 'u-outsider', role: 'admin' });
  },
  'a team it admins @ POST /team/member_delete': async (key, world, who) => {
    const removed = await gateway.send('POST', '/team/member_delete', { key, body: { team_id: world.teamId, user_id: 'u-added' } });
    expect(removed.statusCode, who).toBe(200);
    await refusedOutside('/team/member_delete', key, who, { team_id: world.otherTeamId, user_id: 'u-outsider' });
  },
  'for its user @ POST /key/generate': async (key, world, who) => {
    const made = await gateway.send('POST', '/key/generate', { key, body: {} });
    expect(made.statusCode, who).toBe(200);
    expect(made.json(), who).toMatchObject({ user_id: ownUser(key, world), team_id: null });
    await refusedOutside('/key/generate', key, who, { team_id: world.teamId });
    await refusedOutside('/key/generate', key, who, { user_id: 'u-outsider' });
  },
  'for its user, or a team it admins @ POST /key/generate': async (key, world, who) => {
    const own = await gateway.send('POST', '/key/generate', { key, body: {} });
    expect(own.json(), who).toMatchObject({ user_id: ownUser(key, world) });
    const service = await gateway.send('POST', '/key/generate', { key, body: { team_id: world.teamId } });
    expect(service.statusCode, who).toBe(200);
    expect(service.json(), who).toMatchObject({ team_id: world.teamId, user_id: null });
    await refusedOutside('/key/generate', key, who, { team_id: world.otherTeamId });
    await refusedOutside('/key/generate', key, who, { user_id: 'u-outsider' });
  },
  ...keyChangeCells(),
  "its user @ GET /user/info": async (key, world, who) => {
    const info = await gateway.send('GET', '/user/info', { key });
    expect(info.statusCode, who).toBe(200);
    expect(info.json().user_id, who).toBe(ownUser(key, world));
    await refusedOutside('/user/info?user_id=u-outsider', key, who);
  },
};

/** The README's "Who may call what" table: `METHOD /path` → caller → cell; '*' is "every other management route". */
function readAccessTable(): Map<string, Record<string, string>> {
  const readme = readFileSync(join(import.meta.dirname, '..', '..', '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('#### Who may call what'));
  const lines = section.split('\n').filter((line) => line.startsWith('|'));
  const header = cells(lines[0]!);
  const rows = new Map<string, Record<string, string>>();
  for (const line of lines.slice(2)) {
    const [routes, ...rest] = cells(line);
    if (rest.length !== header.length - 1) break;
    const rule = Object.fromEntries(header.slice(1).map((name, i) => [name, rest[i]!]));
    if (routes === 'every other management route') {
      rows.set('*', rule);
      break;
    }
    for (const match of routes!.matchAll(/`([A-Z]+) ([^`]+)`/g)) rows.set(`${match[1]} ${match[2]}`, rule);
  }
  return rows;
}

function cells(line: string): string[] {
  return line.split('|').slice(1, -1).map((cell) => cell.trim());
}
