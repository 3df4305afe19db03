// The dashboard's only way to the gateway: typed calls to the management API over HTTP, each
// answer checked against the shared contract before a component sees it. Holds the admin key
// only in memory (the session hook decides where it persists); never logs it, never sends it
// anywhere but the gateway's own origin.
import * as z from 'zod/mini';
import { ApiError } from './api-error.js';
import { apiErrorBodySchema } from '../../../shared/api/api-error-schema.js';
import { describeValidationIssue } from '../../../shared/api/describe-validation-issue.js';
import { generatedKeySchema, keyDeleteResultSchema, keyDescriptionSchema, keyListSchema, type KeyFields } from '../../../shared/api/key-schemas.js';
import {
  modelDeleteResultSchema,
  modelNewResultSchema,
  modelInfoEntrySchema,
  modelInfoListSchema,
  modelTestResultSchema,
  type ModelNewRequest,
  type ModelUpdateRequest,
} from '../../../shared/api/model-schemas.js';
import { activeModelStateSchema } from '../../../shared/api/active-model-schemas.js';
import { healthReportSchema } from '../../../shared/api/health-schemas.js';
import { discoveryReportSchema } from '../../../shared/api/discovery-schemas.js';
import { spendLogsPageSchema, usageSummarySchema, usageTimelineSchema, type UsageGroupBy, type UsageTimelineBucket } from '../../../shared/api/usage-schemas.js';
import { gatewaySettingsSchema, type SettingsUpdate } from '../../../shared/api/settings-schemas.js';
import { modelExportSchema } from '../../../shared/api/export-schemas.js';
import { backupDocumentSchema, restoreResultSchema } from '../../../shared/api/backup-schemas.js';
import { credentialDeletedSchema, credentialListSchema, credentialSavedSchema } from '../../../shared/api/credential-schemas.js';
import { teamDescriptionSchema, type TeamNewRequest, type TeamUpdateFields, type TeamMemberAddRequest, type TeamMemberUpdateRequest } from '../../../shared/api/team-schemas.js';
import { teamDeleteResultSchema, teamInfoSchema, teamListSchema, teamMemberAddResultSchema, teamMemberUpdateResultSchema, teamUpdateResultSchema } from '../../../shared/api/team-response-schemas.js';
import { userListSchema } from '../../../shared/api/user-response-schemas.js';
import { adminKeyStatusSchema, removedAdminKeySchema, requiredAdminKeySchema } from '../../../shared/api/admin-key-schemas.js';
import { userInfoSchema } from '../../../shared/api/user-schemas.js';
import { appDescriptionSchema, type AppUpdateRequest } from '../../../shared/api/app-schemas.js';

/** /app/list answers every app seen or given a rule. */
const appListSchema = z.array(appDescriptionSchema);
/** /app/delete answers the app and, for one that has called, what it is now (without a rule). */
const appDeleteResultSchema = z.looseObject({ app: z.string(), deleted: z.boolean() });

export interface ApiClientOptions {
  /** The admin key; null in open local mode (no admin key configured). */
  adminKey: string | null;
  /** '' = the page's own origin (the only one the CSP allows). */
  baseUrl?: string;
  fetch?: typeof fetch;
}

export interface SpendLogsParams {
  page?: number;
  pageSize?: number;
  model?: string;
  keyId?: string;
  /** The requests of the keys this team owns (now). */
  teamId?: string;
  /** The requests of the keys this user owns (now). */
  userId?: string;
  /** The requests recorded under this app name. */
  app?: string;
  start?: number;
  end?: number;
}

/** Narrows /usage/summary and /usage/timeline like /spend/logs (filters combine with AND). */
export interface UsageFilter {
  teamId?: string;
  userId?: string;
  keyId?: string;
  app?: string;
}

export type ApiClient = ReturnType<typeof createApiClient>;

export function createApiClient(options: ApiClientOptions) {
  const baseUrl = options.baseUrl ?? '';
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  async function call<S extends z.ZodMiniType>(method: 'GET' | 'POST' | 'DELETE', path: string, schema: S, body?: unknown): Promise<z.infer<S>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.adminKey !== null) headers.authorization = `Bearer ${options.adminKey}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await doFetch(`${baseUrl}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        // Same-origin only; no cookies are involved in auth.
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch {
      throw new ApiError(0, 'unreachable', 'Switchboard did not answer. Is the gateway still running?');
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const parsed = apiErrorBodySchema.safeParse(json);
      if (parsed.success) throw new ApiError(response.status, parsed.data.error.code ?? 'error', parsed.data.error.message, parsed.data.error.param ?? null);
      throw new ApiError(response.status, 'error', `The gateway answered ${response.status}`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new ApiError(response.status, 'bad_response', `Unexpected answer from ${path.split('?')[0]}: ${describeValidationIssue(parsed.error.issues[0]!, json)}`);
    }
    return parsed.data as z.infer<S>;
  }

  const query = (params: Record<string, string | number | boolean | undefined>): string => {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(name, String(value));
    const text = search.toString();
    return text === '' ? '' : `?${text}`;
  };

  return {
    // Who signed in: with a user's own key, its user, keys and teams (the gateway narrows the call to it).
    ownUser: () => call('GET', '/user/info', userInfoSchema),

    // Keys
    listKeys: (page = 1, size = 100) => call('GET', `/key/list${query({ page, size })}`, keyListSchema),
    generateKey: (fields: KeyFields) => call('POST', '/key/generate', generatedKeySchema, fields),
    updateKey: (key: string, fields: KeyFields) => call('POST', '/key/update', keyDescriptionSchema, { ...fields, key }),
    blockKey: (key: string) => call('POST', '/key/block', keyDescriptionSchema, { key }),
    unblockKey: (key: string) => call('POST', '/key/unblock', keyDescriptionSchema, { key }),
    regenerateKey: (key: string) => call('POST', '/key/regenerate', generatedKeySchema, { key }),
    deleteKey: (key: string) => call('POST', '/key/delete', keyDeleteResultSchema, { keys: [key] }),

    // Teams and users (LiteLLM's /team/* and /user/*)
    listTeams: () => call('GET', '/team/list', teamListSchema),
    teamInfo: (teamId: string) => call('GET', `/team/info${query({ team_id: teamId })}`, teamInfoSchema),
    createTeam: (request: TeamNewRequest) => call('POST', '/team/new', teamDescriptionSchema, request),
    updateTeam: (teamId: string, fields: TeamUpdateFields) => call('POST', '/team/update', teamUpdateResultSchema, { ...fields, team_id: teamId }),
    blockTeam: (teamId: string) => call('POST', '/team/block', teamDescriptionSchema, { team_id: teamId }),
    unblockTeam: (teamId: string) => call('POST', '/team/unblock', teamDescriptionSchema, { team_id: teamId }),
    deleteTeam: (teamId: string) => call('POST', '/team/delete', teamDeleteResultSchema, { team_ids: [teamId] }),
    addTeamMember: (request: TeamMemberAddRequest) => call('POST', '/team/member_add', teamMemberAddResultSchema, request),
    updateTeamMember: (request: TeamMemberUpdateRequest) => call('POST', '/team/member_update', teamMemberUpdateResultSchema, request),
    removeTeamMember: (teamId: string, userId: string) => call('POST', '/team/member_delete', teamDescriptionSchema, { team_id: teamId, user_id: userId }),
    listUsers: (page = 1, pageSize = 100) => call('GET', `/user/list${query({ page, page_size: pageSize })}`, userListSchema),

    // Apps (issue 19): the programs that called without a key, and their rules (admin only)
    listApps: () => call('GET', '/app/list', appListSchema),
    appInfo: (app: string) => call('GET', `/app/info${query({ app })}`, appDescriptionSchema),
    updateApp: (request: AppUpdateRequest) => call('POST', '/app/update', appDescriptionSchema, request),
    /** Clears the app's rule; an app that has called stays listed with its usage. */
    deleteAppRule: (app: string) => call('POST', '/app/delete', appDeleteResultSchema, { app }),

    // Models
    listModels: () => call('GET', '/model/info', modelInfoListSchema),
    createModel: (request: ModelNewRequest) => call('POST', '/model/new', modelNewResultSchema, request),
    updateModel: (request: ModelUpdateRequest) => call('POST', '/model/update', modelInfoEntrySchema, request),
    deleteModel: (id: string, activeModel?: string) => call('POST', '/model/delete', modelDeleteResultSchema, { id, ...(activeModel === undefined ? {} : { active_model: activeModel }) }),
    testModel: (model: string) => call('POST', '/model/test', modelTestResultSchema, { model }),
    exportModels: () => call('GET', '/model/export', modelExportSchema),
    discoverModels: () => call('GET', '/model/discover?defaults=true', discoveryReportSchema),
    health: (cached: boolean) => call('GET', `/health${cached ? '?cached=true' : ''}`, healthReportSchema),
    activeModel: () => call('GET', '/active-model', activeModelStateSchema),
    switchActiveModel: (model: string) => call('POST', '/active-model', activeModelStateSchema, { model }),

    // Provider keys (write-only: answers carry a mask)
    listCredentials: () => call('GET', '/credentials', credentialListSchema),
    saveCredential: (name: string, value: string) => call('POST', '/credentials', credentialSavedSchema, { name, value }),
    deleteCredential: (name: string) => call('DELETE', `/credentials/${encodeURIComponent(name)}`, credentialDeletedSchema),

    // Usage
    usageSummary: (groupBy: UsageGroupBy, start: number, end: number, filter: UsageFilter = {}) =>
      call('GET', `/usage/summary${query({ group_by: groupBy, start, end, ...usageFilterParams(filter) })}`, usageSummarySchema),
    usageTimeline: (bucket: UsageTimelineBucket, start: number, end: number, filter: UsageFilter = {}) =>
      call('GET', `/usage/timeline${query({ bucket, start, end, ...usageFilterParams(filter) })}`, usageTimelineSchema),
    spendLogs: (params: SpendLogsParams = {}) =>
      call('GET', `/spend/logs${query({ page: params.page, page_size: params.pageSize, model: params.model, key_id: params.keyId, team_id: params.teamId, user_id: params.userId, app: params.app, start_date: params.start, end_date: params.end })}`, spendLogsPageSchema),

    // Settings
    settings: () => call('GET', '/settings', gatewaySettingsSchema),
    updateSettings: (patch: SettingsUpdate) => call('POST', '/settings', gatewaySettingsSchema, patch),

    // Backup (keys as hashes, dashboard models, settings); the gateway validates what is restored.
    backup: () => call('GET', '/backup', backupDocumentSchema),
    restoreBackup: (backup: unknown, confirm: boolean) => call('POST', '/backup/restore', restoreResultSchema, { backup, ...(confirm ? { confirm: true } : {}) }),
    /** Open mode only: the gateway creates an admin key, requires it from now on and answers it once. */
    requireAdminKey: () => call('POST', '/admin-key/require', requiredAdminKeySchema, {}),
    /** Whether an admin key is in effect, where it comes from, and whether rotate/remove apply to it. */
    adminKeyStatus: () => call('GET', '/admin-key', adminKeyStatusSchema),
    /** The key "Require keys" created only: a new one, answered once; the old one is refused from now on. */
    rotateAdminKey: () => call('POST', '/admin-key/rotate', requiredAdminKeySchema, {}),
    /** The key "Require keys" created only: forgets it, and the gateway is open again. */
    removeAdminKey: () => call('POST', '/admin-key/remove', removedAdminKeySchema, { confirm: true }),
    // Playground: a streamed chat completion, answered as the raw Response whose SSE body the
    // caller reads. Sent as the session (the admin key, or none in open mode) unless the user
    // pasted a key to try, which then goes to the gateway and nowhere else.
    chatCompletion: async (body: unknown, send: { key?: string; signal?: AbortSignal } = {}): Promise<Response> => {
      const key = send.key ?? options.adminKey;
      // X-Title names the app in usage ("playground") when the admin key or no key sends.
      const headers: Record<string, string> = { accept: 'text/event-stream', 'content-type': 'application/json', 'x-title': 'Switchboard Playground' };
      if (key !== null) headers.authorization = `Bearer ${key}`;
      try {
        return await doFetch(`${baseUrl}/v1/chat/completions`, {
          method: 'POST', headers, body: JSON.stringify(body), credentials: 'omit', cache: 'no-store', ...(send.signal ? { signal: send.signal } : {}),
        });
      } catch (error) {
        if (send.signal?.aborted) throw error;
        throw new ApiError(0, 'unreachable', 'Switchboard did not answer. Is the gateway still running?');
      }
    },
  };
}

/** The gateway's query names for a usage filter; an absent or empty one is not sent. */
function usageFilterParams(filter: UsageFilter): Record<string, string | undefined> {
  return { team_id: filter.teamId, user_id: filter.userId, key_id: filter.keyId, app: filter.app };
}
