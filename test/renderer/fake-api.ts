// A fake ApiClient for component tests: every call is a vi.fn() answering with a sample shaped by
// the shared contracts (parsed through them, so a fixture can never drift from the API), and any
// call can be overridden per test.
import { vi } from 'vitest';
import type { ApiClient } from '../../renderer/src/api/create-api-client.js';
import { keyDescriptionSchema, type KeyDescription } from '../../shared/api/key-schemas.js';
import { modelInfoEntrySchema, type ModelInfoEntry } from '../../shared/api/model-schemas.js';
import { spendLogRowSchema, usageSummarySchema, type SpendLogRow, type UsageGroupBy, type UsageSummary, type UsageSummaryGroup } from '../../shared/api/usage-schemas.js';
import { teamDescriptionSchema, type TeamDescription } from '../../shared/api/team-schemas.js';
import { gatewaySettingsSchema, type GatewaySettingsView } from '../../shared/api/settings-schemas.js';
import { userInfoSchema, type UserInfo } from '../../shared/api/user-schemas.js';
import { appDescriptionSchema, type AppDescription } from '../../shared/api/app-schemas.js';

export type FakeApi = { [K in keyof ApiClient]: ReturnType<typeof vi.fn<ApiClient[K]>> };

export function sampleKey(overrides: Partial<KeyDescription> = {}): KeyDescription {
  return keyDescriptionSchema.parse({
    token: 'key_abc', key_id: 'key_abc', key_name: 'sk-...wxyz', key_alias: 'cursor', models: [], spend: 0.5, max_budget: 2,
    budget_duration: null, budget_reset_at: null, rpm_limit: null, tpm_limit: null, max_parallel_requests: null, expires: null,
    blocked: false, metadata: {}, created_at: '2026-03-01T00:00:00.000Z', updated_at: '2026-03-01T00:00:00.000Z', last_active: null,
    ...overrides,
  });
}

/** A member's own /user/info: the user, its keys and its teams (by default one team, as a plain member). */
export function sampleUserInfo(overrides: { userId?: string; email?: string | null; keys?: KeyDescription[]; teams?: { id: string; alias: string | null; role: 'admin' | 'user'; spend?: number; maxBudget?: number | null }[] } = {}): UserInfo {
  const userId = overrides.userId ?? 'ana';
  return userInfoSchema.parse({
    user_id: userId,
    user_info: { user_id: userId, user_email: overrides.email === undefined ? 'ana@example.com' : overrides.email, user_role: 'internal_user', max_budget: 10, spend: 1.5, budget_duration: '30d', budget_reset_at: null, models: [], metadata: {}, created_at: '2026-03-01T00:00:00.000Z', updated_at: '2026-03-01T00:00:00.000Z' },
    keys: overrides.keys ?? [sampleKey({ user_id: userId })],
    teams: (overrides.teams ?? [{ id: 'team-a', alias: 'Platform', role: 'user' }]).map((team) => ({
      team_id: team.id, team_alias: team.alias, models: [], max_budget: team.maxBudget === undefined ? 100 : team.maxBudget, soft_budget: null, spend: team.spend ?? 12, budget_duration: null, budget_reset_at: null,
      tpm_limit: null, rpm_limit: null, team_member_budget: null, metadata: {}, blocked: false, members_with_roles: [{ user_id: userId, user_email: null, role: team.role }],
      created_at: '2026-03-01T00:00:00.000Z', updated_at: '2026-03-01T00:00:00.000Z',
    })),
  });
}

export function sampleTeam(overrides: Partial<TeamDescription> = {}): TeamDescription {
  return teamDescriptionSchema.parse({
    team_id: 'team-1', team_alias: 'research', models: [], max_budget: 10, soft_budget: 8, spend: 2.5, budget_duration: null, budget_reset_at: null,
    tpm_limit: null, rpm_limit: null, team_member_budget: null, metadata: {}, blocked: false, members_with_roles: [],
    created_at: '2026-03-01T00:00:00.000Z', updated_at: '2026-03-01T00:00:00.000Z',
    ...overrides,
  });
}

export function sampleApp(overrides: Partial<AppDescription> = {}): AppDescription {
  return appDescriptionSchema.parse({
    app: 'sync_notes.py', first_seen: '2026-03-14T09:00:00.000Z', last_seen: '2026-03-15T11:58:00.000Z', spend: 0.5, max_budget: null, budget_duration: null, budget_reset_at: null,
    rpm_limit: null, tpm_limit: null, models: [], default_model: null, allowed: false, has_rule: false, requests_today: 12, spend_today: 0.03,
    ...overrides,
  });
}

export function sampleModel(overrides: { name?: string; id?: string; model?: string; source?: 'config' | 'database' | 'default'; file?: string | null; input?: number | null; output?: number | null; apiKey?: string } = {}): ModelInfoEntry {
  const source = overrides.source ?? 'database';
  return modelInfoEntrySchema.parse({
    model_name: overrides.name ?? 'fast',
    litellm_params: { model: overrides.model ?? 'openai/gpt-4o-mini', api_base: 'https://api.openai.com/v1', ...(overrides.apiKey ? { api_key: overrides.apiKey } : {}) },
    model_info: {
      id: overrides.id ?? 'model-1', db_model: source === 'database', source, source_file: source === 'config' ? (overrides.file ?? '/etc/switchboard/config.yaml') : null,
      provider: (overrides.model ?? 'openai/gpt-4o-mini').split('/')[0], protocol: 'openai', credential: overrides.apiKey ? 'keychain' : 'none',
      input_cost_per_token: overrides.input === undefined ? 0.00000015 : overrides.input, output_cost_per_token: overrides.output === undefined ? 0.0000006 : overrides.output,
      max_input_tokens: null, max_output_tokens: null,
    },
  });
}

export function sampleGroup(group: string, overrides: Partial<UsageSummaryGroup> = {}): UsageSummaryGroup {
  return { group, label: null, spend_micros: 1_250_000, spend: 1.25, prompt_tokens: 1000, completion_tokens: 200, cached_tokens: 0, reasoning_tokens: 0, total_tokens: 1200, requests: 10, errors: 1, rejected: 0, p50_latency_ms: 420, p95_latency_ms: 900, ...overrides };
}

export function sampleSummary(groupBy: UsageGroupBy, groups: UsageSummaryGroup[], start = 0, end = 1): UsageSummary {
  const sum = (k: keyof UsageSummaryGroup) => groups.reduce((a, g) => a + (g[k] as number), 0);
  return usageSummarySchema.parse({
    start, end, group_by: groupBy, groups,
    totals: { ...sampleGroup('total'), spend_micros: sum('spend_micros'), spend: sum('spend'), requests: sum('requests'), errors: sum('errors'), rejected: sum('rejected'), prompt_tokens: sum('prompt_tokens'), completion_tokens: sum('completion_tokens'), total_tokens: sum('total_tokens') },
  });
}

export function sampleLog(overrides: Partial<SpendLogRow> = {}): SpendLogRow {
  return spendLogRowSchema.parse({
    request_id: 'req-1', call_type: '/v1/chat/completions', api_key: 'key_abc', key_alias: 'cursor', app: 'cursor', user_agent: 'OpenAI/JS 6.0',
    model: 'fast', model_group: 'fast', requested_model: 'fast', model_id: 'model-1', custom_llm_provider: 'openai', spend: 0.000065, spend_micros: 65,
    startTime: '2026-03-15T12:00:00.000Z', endTime: '2026-03-15T12:00:00.020Z', completionStartTime: '2026-03-15T12:00:00.010Z', request_duration_ms: 20,
    prompt_tokens: 10, completion_tokens: 4, total_tokens: 14, cached_tokens: 0, cache_creation_tokens: 0, reasoning_tokens: 0,
    status: 'success', http_status: 200, error_code: null, usage_estimated: false, retries: 0, fallbacks: 0,
    ...overrides,
  });
}

export function sampleSettings(overrides: Partial<GatewaySettingsView> = {}): GatewaySettingsView {
  return gatewaySettingsSchema.parse({
    retention_days: 30, body_logging: false, allowed_origins: [], server: { host: '127.0.0.1', port: 4141, lan_access: false, admin_key_set: true },
    ...overrides,
  });
}

export function fakeApi(overrides: Partial<{ [K in keyof ApiClient]: ApiClient[K] }> = {}): FakeApi & ApiClient {
  const defaults: { [K in keyof ApiClient]: ApiClient[K] } = {
    ownUser: async () => sampleUserInfo(),
    listKeys: async () => ({ keys: [], total_count: 0, current_page: 1, total_pages: 0, page_size: 100 }),
    generateKey: async (fields) => ({ ...sampleKey({ key_alias: fields.key_alias ?? null }), key: 'sk-new-secret-key-0001' }),
    updateKey: async () => sampleKey(),
    blockKey: async () => sampleKey({ blocked: true }),
    unblockKey: async () => sampleKey(),
    regenerateKey: async () => ({ ...sampleKey(), key: 'sk-regenerated-key-0002' }),
    deleteKey: async (key) => ({ deleted_keys: [key], not_found: [] }),
    listTeams: async () => [],
    teamInfo: async (teamId) => ({ team_id: teamId, team_info: sampleTeam({ team_id: teamId }), keys: [], team_memberships: [] }),
    createTeam: async (request) => sampleTeam({ team_alias: request.team_alias ?? null }),
    updateTeam: async (teamId) => ({ team_id: teamId, data: sampleTeam({ team_id: teamId }) }),
    blockTeam: async (teamId) => sampleTeam({ team_id: teamId, blocked: true }),
    unblockTeam: async (teamId) => sampleTeam({ team_id: teamId }),
    deleteTeam: async (teamId) => ({ deleted_teams: [teamId], deleted_keys: [] }),
    addTeamMember: async (request) => ({ ...sampleTeam({ team_id: request.team_id }), updated_users: [], updated_team_memberships: [] }),
    updateTeamMember: async (request) => ({ team_id: request.team_id, user_id: request.user_id ?? 'user-1', user_email: null, role: request.role ?? 'user', max_budget_in_team: request.max_budget_in_team ?? null }),
    removeTeamMember: async (teamId) => sampleTeam({ team_id: teamId }),
    listUsers: async () => ({ users: [], total: 0, page: 1, page_size: 100, total_pages: 0 }),
    listApps: async () => [],
    appInfo: async (app) => sampleApp({ app }),
    updateApp: async (request) => sampleApp({ app: request.app, has_rule: true }),
    deleteAppRule: async (app) => ({ app, deleted: true }),
    listModels: async () => ({ data: [] }),
    createModel: async (request) => sampleModel({ name: request.model_name, model: request.litellm_params.model }),
    updateModel: async () => sampleModel(),
    deleteModel: async (id) => ({ id, message: `Model ${id} deleted` }),
    testModel: async (model) => ({ ok: true, model, deployment_id: model, latency_ms: 42, answer: 'Hello!', error: null }),
    exportModels: async () => ({ models: 0, yaml: 'model_list: []\n' }),
    discoverModels: async () => ({ servers: [] }),
    health: async () => ({ healthy_endpoints: [], unhealthy_endpoints: [], healthy_count: 0, unhealthy_count: 0, checked_at: '2026-03-15T12:00:00.000Z' }),
    activeModel: async () => ({ alias: 'switchboard/active', model: null, aliases: {}, models: [] }),
    switchActiveModel: async (model) => ({ alias: 'switchboard/active', model, aliases: { 'switchboard/active': model }, models: [model] }),
    listCredentials: async () => ({ data: [], store: { kind: 'memory', location: 'memory' } }),
    saveCredential: async (name) => ({ name, stored_in: 'keychain', location: 'memory', mask: 'sk-...1234', missing: false, used_by: [], replaced: false }),
    usageSummary: async (groupBy) => sampleSummary(groupBy, []),
    usageTimeline: async (bucket, start, end) => ({ start, end, bucket, buckets: [], apps: [], points: [] }),
    spendLogs: async () => ({ data: [], total: 0, page: 1, page_size: 100, total_pages: 0 }),
    settings: async () => sampleSettings(),
    backup: async () => ({ format: 'switchboard-backup', version: 1, created_at: '2026-03-15T12:00:00.000Z', keys: [], models: [], settings: {} }),
    restoreBackup: async () => ({ keys: 0, models: 0, replaced: { keys: 0, models: 0 } }),
    updateSettings: async (patch) => sampleSettings({ ...(patch.retention_days ? { retention_days: patch.retention_days } : {}), ...(patch.allowed_origins ? { allowed_origins: patch.allowed_origins } : {}), ...(patch.body_logging !== undefined ? { body_logging: patch.body_logging } : {}) }),
    deleteCredential: async (name) => ({ name, deleted: true, still_referenced_by: [] }),
    requireAdminKey: async () => ({ key: 'sk-admin-fake-required-key-0003', stored_in: 'file', location: '/data/admin-key.json' }),
    adminKeyStatus: async () => ({ required: false, source: 'none', location: null, manageable: false }),
    rotateAdminKey: async () => ({ key: 'sk-admin-fake-rotated-key-0004', stored_in: 'file', location: '/data/admin-key.json' }),
    removeAdminKey: async () => ({ required: false }),
    chatCompletion: async () => new Response('data: [DONE]\n\n', { headers: { 'content-type': 'text/event-stream' } }),
  };
  const api = {} as Record<string, unknown>;
  for (const name of Object.keys(defaults) as (keyof ApiClient)[]) api[name] = vi.fn(overrides[name] ?? defaults[name]);
  return api as unknown as FakeApi & ApiClient;
}
