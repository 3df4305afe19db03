import { describe, expect, it, vi } from 'vitest';
import { createApiClient } from '../../../renderer/src/api/create-api-client.js';
import { ApiError } from '../../../renderer/src/api/api-error.js';
import { sampleSettings, sampleTeam } from '../fake-api.js';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

function client(respond: (url: string, init: RequestInit) => Response | Promise<Response>, adminKey: string | null = 'sk-admin') {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetchImpl = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(input), init: init ?? {} });
    return respond(String(input), init ?? {});
  });
  return { api: createApiClient({ adminKey, fetch: fetchImpl as unknown as typeof fetch }), calls };
}

describe('createApiClient', () => {
  it('calls the own origin with the admin key as a Bearer token, JSON bodies and no cookies', async () => {
    const { api, calls } = client(() => json(200, sampleSettings()));
    await api.updateSettings({ body_logging: true });
    const [call] = calls;
    expect(call!.url).toBe('/settings');
    expect(call!.init.method).toBe('POST');
    const headers = call!.init.headers as Record<string, string>;
    expect(headers.authorization).toBe('Bearer sk-admin');
    expect(headers['content-type']).toBe('application/json');
    expect(call!.init.body).toBe('{"body_logging":true}');
    expect(call!.init.credentials).toBe('omit');
  });

  it('sends no Authorization header in open mode', async () => {
    const { api, calls } = client(() => json(200, sampleSettings()), null);
    await api.settings();
    expect((calls[0]!.init.headers as Record<string, string>).authorization).toBeUndefined();
  });

  it('builds query strings from the parameters given', async () => {
    const { api, calls } = client((url) => json(200, url.startsWith('/usage') ? { start: 1, end: 2, group_by: 'day', groups: [], totals: { group: 'total', label: null, spend_micros: 0, spend: 0, prompt_tokens: 0, completion_tokens: 0, cached_tokens: 0, reasoning_tokens: 0, total_tokens: 0, requests: 0, errors: 0, rejected: 0, p50_latency_ms: null, p95_latency_ms: null } } : { data: [], total: 0, page: 1, page_size: 5, total_pages: 0 }));
    await api.usageSummary('day', 1, 2);
    await api.spendLogs({ page: 2, pageSize: 5, model: 'a b' });
    expect(calls.map((c) => c.url)).toEqual(['/usage/summary?group_by=day&start=1&end=2', '/spend/logs?page=2&page_size=5&model=a+b']);
  });

  it('sends a usage filter as team_id, user_id and key_id, and leaves out what is not set', async () => {
    const summary = { start: 1, end: 2, group_by: 'key', groups: [], totals: { group: 'total', label: null, spend_micros: 0, spend: 0, prompt_tokens: 0, completion_tokens: 0, cached_tokens: 0, reasoning_tokens: 0, total_tokens: 0, requests: 0, errors: 0, rejected: 0, p50_latency_ms: null, p95_latency_ms: null } };
    const timeline = { start: 1, end: 2, bucket: 'day', buckets: [], apps: [], points: [] };
    const page = { data: [], total: 0, page: 1, page_size: 50, total_pages: 0 };
    const { api, calls } = client((url) => json(200, url.startsWith('/usage/summary') ? summary : url.startsWith('/usage/timeline') ? timeline : page));
    await api.usageSummary('key', 1, 2, { teamId: 't1', userId: 'u 1', keyId: 'k1' });
    await api.usageTimeline('day', 1, 2, { teamId: 't1' });
    await api.usageTimeline('day', 1, 2, { userId: '' });
    await api.spendLogs({ teamId: 't1', userId: 'u1' });
    expect(calls.map((c) => c.url)).toEqual([
      '/usage/summary?group_by=key&start=1&end=2&team_id=t1&user_id=u+1&key_id=k1',
      '/usage/timeline?bucket=day&start=1&end=2&team_id=t1',
      '/usage/timeline?bucket=day&start=1&end=2',
      '/spend/logs?team_id=t1&user_id=u1',
    ]);
  });

  it("turns the gateway's error body into an ApiError with status, code, message and field", async () => {
    const { api } = client(() => json(400, { error: { message: 'litellm_params.model: must be "provider/model"', type: 'invalid_request_error', param: 'litellm_params.model', code: 'invalid_request' } }));
    const error = await api.createModel({ model_name: 'x', litellm_params: { model: 'bad' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 400, code: 'invalid_request', param: 'litellm_params.model', message: 'litellm_params.model: must be "provider/model"' });
  });

  it('reports an answer that does not match the contract instead of rendering it', async () => {
    const { api } = client(() => json(200, { keys: 'not a list' }));
    await expect(api.listKeys()).rejects.toMatchObject({ code: 'bad_response', message: expect.stringContaining('/key/list') });
  });

  it('reports an unreachable gateway as status 0', async () => {
    const { api } = client(() => {
      throw new TypeError('fetch failed');
    });
    await expect(api.settings()).rejects.toMatchObject({ status: 0, code: 'unreachable' });
  });

  it('reports a non-JSON error page by its status', async () => {
    const { api } = client(() => new Response('<html>bad gateway</html>', { status: 502 }));
    await expect(api.settings()).rejects.toMatchObject({ status: 502, message: 'The gateway answered 502' });
  });

  it("calls LiteLLM's team routes with their bodies, and checks each answer against its contract", async () => {
    const team = sampleTeam();
    const { api, calls } = client((url) => {
      if (url.startsWith('/team/list')) return json(200, [team]);
      if (url.startsWith('/team/info')) return json(200, { team_id: 'team-1', team_info: team, keys: [], team_memberships: [{ team_id: 'team-1', user_id: 'ann', spend: 0.5, max_budget_in_team: null }] });
      if (url === '/team/update') return json(200, { team_id: 'team-1', data: team });
      if (url === '/team/delete') return json(200, { deleted_teams: ['team-1'], deleted_keys: [] });
      if (url === '/team/member_add') return json(200, { ...team, updated_users: [], updated_team_memberships: [] });
      if (url === '/team/member_update') return json(200, { team_id: 'team-1', user_id: 'ann', user_email: null, role: 'admin', max_budget_in_team: 2 });
      if (url.startsWith('/user/list')) return json(200, { users: [], total: 0, page: 1, page_size: 100, total_pages: 0 });
      return json(200, team);
    });
    expect((await api.listTeams())[0]!.team_alias).toBe('research');
    expect((await api.teamInfo('a b')).team_memberships[0]!.spend).toBe(0.5);
    await api.createTeam({ team_alias: 'research', max_budget: 10 });
    await api.updateTeam('team-1', { soft_budget: null });
    await api.blockTeam('team-1');
    await api.unblockTeam('team-1');
    await api.deleteTeam('team-1');
    await api.addTeamMember({ team_id: 'team-1', member: [{ role: 'user', user_email: 'ann@example.com' }] });
    await api.updateTeamMember({ team_id: 'team-1', user_id: 'ann', role: 'admin' });
    await api.removeTeamMember('team-1', 'ann');
    await api.listUsers(2, 10);
    expect(calls.map((c) => `${c.init.method} ${c.url} ${c.init.body ?? ''}`.trim())).toEqual([
      'GET /team/list',
      'GET /team/info?team_id=a+b',
      'POST /team/new {"team_alias":"research","max_budget":10}',
      'POST /team/update {"soft_budget":null,"team_id":"team-1"}',
      'POST /team/block {"team_id":"team-1"}',
      'POST /team/unblock {"team_id":"team-1"}',
      'POST /team/delete {"team_ids":["team-1"]}',
      'POST /team/member_add {"team_id":"team-1","member":[{"role":"user","user_email":"ann@example.com"}]}',
      'POST /team/member_update {"team_id":"team-1","user_id":"ann","role":"admin"}',
      'POST /team/member_delete {"team_id":"team-1","user_id":"ann"}',
      'GET /user/list?page=2&page_size=10',
    ]);
  });

  it('refuses a team list that is not one', async () => {
    const { api } = client(() => json(200, { teams: [] }));
    await expect(api.listTeams()).rejects.toMatchObject({ code: 'bad_response' });
  });
});
