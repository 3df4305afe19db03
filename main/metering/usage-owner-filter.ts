// The usage filter by key, team and user shared by /spend/logs, /usage/summary and /usage/timeline:
// one SQL condition on a key_id column (usage_log, usage_daily or usage_hourly) and its parameters,
// so every reader narrows to the same keys with the same text. A team's or user's usage is that of
// the keys it owns NOW (usage rows do not carry the owner). Builds SQL fragments only; runs nothing.

/** Filters combine with AND; an absent one does not narrow. */
export interface UsageOwnerFilter {
  keyId?: string;
  /** The usage of the keys this team owns (now). */
  teamId?: string;
  /** The usage of the keys this user owns (now). */
  userId?: string;
  /** The usage recorded under this app name, exactly (issue 19: an app is the name a request without a key is metered under). */
  app?: string;
}

/** Which filters are set: the shape a cached statement is built for. */
export interface UsageOwnerShape {
  keyId: boolean;
  teamId: boolean;
  userId: boolean;
  app: boolean;
}

export function usageOwnerShape(filter: UsageOwnerFilter): UsageOwnerShape {
  return { keyId: filter.keyId !== undefined, teamId: filter.teamId !== undefined, userId: filter.userId !== undefined, app: filter.app !== undefined };
}

export function hasUsageOwnerFilter(filter: UsageOwnerFilter): boolean {
  return filter.keyId !== undefined || filter.teamId !== undefined || filter.userId !== undefined || filter.app !== undefined;
}

/**
 * The conditions, each on `key_id` (in the rollups '' stands for the master key; in usage_log it
 * is NULL: neither is ever a virtual key's id, so neither matches a team or user). The owner's keys
 * are few, so a subquery on virtual_keys (indexed by team_id and user_id) lets the key_id index or
 * the rollup's primary key serve each.
 */
export function usageOwnerConditions(shape: UsageOwnerShape): string[] {
  const conditions: string[] = [];
  if (shape.keyId) conditions.push('key_id = ?');
  if (shape.teamId) conditions.push('key_id IN (SELECT id FROM virtual_keys WHERE team_id = ?)');
  if (shape.userId) conditions.push('key_id IN (SELECT id FROM virtual_keys WHERE user_id = ?)');
  // usage_log, usage_daily and usage_hourly all carry the app (the rollups in their primary key).
  if (shape.app) conditions.push('app = ?');
  return conditions;
}

/** The parameters of usageOwnerConditions, in the same order. */
export function usageOwnerParams(filter: UsageOwnerFilter): string[] {
  const params: string[] = [];
  if (filter.keyId !== undefined) params.push(filter.keyId);
  if (filter.teamId !== undefined) params.push(filter.teamId);
  if (filter.userId !== undefined) params.push(filter.userId);
  if (filter.app !== undefined) params.push(filter.app);
  return params;
}
