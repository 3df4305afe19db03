// The tray's client for the gateway's management API: the same routes the dashboard calls
// (GET/POST /active-model, GET /usage/summary, GET /key/list), dispatched in-process through
// fastify's inject, so a switch from the tray goes through the same validation, admin check and
// store as one from the dashboard. Never opens a socket; never returns the admin key.
import { z } from 'zod';
import { usdToMicros } from '../../shared/usd-to-micros.js';
import type { KeyBudget } from '../metering/budget-thresholds.js';
import type { AppUsageToday } from './tray-menu-template.js';

export interface InjectRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

export type Inject = (request: InjectRequest) => Promise<{ statusCode: number; body: string }>;

export interface ActiveModelView {
  model: string | null;
  models: string[];
}

export interface UsageToday {
  requests: number;
  spendMicros: number;
  /** Each app's requests and spend in the same window (the same read: /usage/summary grouped by app). */
  apps: AppUsageToday[];
}

export interface GatewayClient {
  activeModel(): Promise<ActiveModelView>;
  switchModel(model: string): Promise<ActiveModelView>;
  /** Requests and spend in [start, end) (epoch ms), in total and per app. */
  usage(start: number, end: number): Promise<UsageToday>;
  /** Every virtual key's spend and budget, and every team's and user's (a team's soft budget too). */
  keyBudgets(): Promise<KeyBudget[]>;
}

export class GatewayRequestError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'GatewayRequestError';
    this.status = status;
  }
}

const activeModelSchema = z.object({ model: z.string().nullable(), models: z.array(z.string()) });
const usageTotalsSchema = z.object({ requests: z.number().int().nonnegative(), spend_micros: z.number().int() });
const usageSummarySchema = z.object({ groups: z.array(usageTotalsSchema.extend({ group: z.string() })), totals: usageTotalsSchema });
const keyListSchema = z.object({
  keys: z.array(z.object({
    key_id: z.string(),
    key_name: z.string(),
    key_alias: z.string().nullable(),
    spend: z.number(),
    max_budget: z.number().nullable(),
  })),
  current_page: z.number().int(),
  total_pages: z.number().int(),
});
const errorSchema = z.object({ error: z.object({ message: z.string() }) });

const teamListSchema = z.array(z.object({
  team_id: z.string(),
  team_alias: z.string().nullable(),
  spend: z.number(),
  max_budget: z.number().nullable(),
  soft_budget: z.number().nullable(),
}));

const userListSchema = z.object({
  users: z.array(z.object({ user_id: z.string(), user_email: z.string().nullable(), spend: z.number(), max_budget: z.number().nullable() })),
  page: z.number(),
  total_pages: z.number(),
});

/** The largest page /key/list serves (MAX_KEY_LIST_PAGE_SIZE). */
const KEY_PAGE_SIZE = 100;
/** A guard against a server that keeps reporting more pages: 100 x 100 keys is far beyond a desktop. */
const MAX_KEY_PAGES = 100;

export function createGatewayClient(options: { inject: Inject; port: number; adminKey: string | null }): GatewayClient {
  const headers: Record<string, string> = {
    // The local-only guard checks Host against the listening port, as for any client.
    host: `127.0.0.1:${options.port}`,
    ...(options.adminKey === null ? {} : { authorization: `Bearer ${options.adminKey}` }),
  };

  async function call<T>(schema: z.ZodType<T>, method: 'GET' | 'POST', url: string, body?: unknown): Promise<T> {
    const response = await options.inject({
      method,
      url,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    const json = parseJson(response.body);
    if (response.statusCode < 200 || response.statusCode >= 300) {
      const error = errorSchema.safeParse(json);
      throw new GatewayRequestError(response.statusCode, error.success ? error.data.error.message : `${method} ${url} answered ${response.statusCode}`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new GatewayRequestError(response.statusCode, `${method} ${url} answered in an unexpected shape`);
    return parsed.data;
  }

  return {
    async activeModel() {
      const state = await call(activeModelSchema, 'GET', '/active-model');
      return { model: state.model, models: state.models };
    },
    async switchModel(model) {
      const state = await call(activeModelSchema, 'POST', '/active-model', { model });
      return { model: state.model, models: state.models };
    },
    async usage(start, end) {
      const summary = await call(usageSummarySchema, 'GET', `/usage/summary?start=${Math.floor(start)}&end=${Math.floor(end)}&group_by=app`);
      return {
        requests: summary.totals.requests,
        spendMicros: summary.totals.spend_micros,
        apps: summary.groups.map((g) => ({ app: g.group, requests: g.requests, spendMicros: g.spend_micros })),
      };
    },
    async keyBudgets() {
      const budgets: KeyBudget[] = [];
      for (let page = 1; page <= MAX_KEY_PAGES; page += 1) {
        const list = await call(keyListSchema, 'GET', `/key/list?page=${page}&size=${KEY_PAGE_SIZE}`);
        for (const key of list.keys) {
          budgets.push({
            keyId: key.key_id,
            app: key.key_alias ?? key.key_name,
            // /key/list speaks LiteLLM's USD floats; back to integer micro-USD at this edge.
            spendMicros: usdToMicros(key.spend),
            maxBudgetMicros: key.max_budget === null ? null : usdToMicros(key.max_budget),
          });
        }
        if (list.current_page >= list.total_pages) break;
      }
      // Teams' budgets and soft budgets, and users' budgets, announced like the keys' (ids of their
      // own). A gateway built without teams (404) has none.
      const teams = await call(teamListSchema, 'GET', '/team/list').catch((error: unknown) => {
        if (error instanceof GatewayRequestError && error.status === 404) return null;
        throw error;
      });
      if (teams === null) return budgets;
      for (const team of teams) {
        const app = `team '${team.team_alias ?? team.team_id}'`;
        if (team.max_budget !== null) budgets.push({ keyId: `team:${team.team_id}`, app, spendMicros: usdToMicros(team.spend), maxBudgetMicros: usdToMicros(team.max_budget) });
        if (team.soft_budget !== null) budgets.push({ keyId: `team-soft:${team.team_id}`, app, spendMicros: usdToMicros(team.spend), maxBudgetMicros: usdToMicros(team.soft_budget), soft: true });
      }
      for (let page = 1; page <= MAX_KEY_PAGES; page += 1) {
        const list = await call(userListSchema, 'GET', `/user/list?page=${page}&page_size=${KEY_PAGE_SIZE}`);
        for (const user of list.users) {
          if (user.max_budget !== null) budgets.push({ keyId: `user:${user.user_id}`, app: `user '${user.user_email ?? user.user_id}'`, spendMicros: usdToMicros(user.spend), maxBudgetMicros: usdToMicros(user.max_budget) });
        }
        if (list.page >= list.total_pages) break;
      }
      return budgets;
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
