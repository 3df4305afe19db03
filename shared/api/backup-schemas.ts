// Contracts of Switchboard's backup routes: GET /backup returns one versioned JSON document with
// the virtual keys (their SHA-256 hashes: a raw key is never stored, so never in a backup) and their
// owners, the teams, users and team memberships, the apps' rules (requests without a key), the
// models added in the dashboard and the dashboard's settings; POST /backup/restore loads one. Provider keys are not in it: models name
// them by reference (keychain/NAME, os.environ/NAME).
import * as z from 'zod/mini';
import { litellmParamsInputSchema, modelInfoInputSchema, MODEL_ID } from './model-schemas.js';
import { settingsUpdateSchema } from './settings-schemas.js';
import { USER_ROLES } from './user-schemas.js';
import { MAX_APP_NAME_LENGTH } from './app-schemas.js';

export const BACKUP_FORMAT = 'switchboard-backup';
/** Written by this build: 2 added teams, users, memberships and each key's owners; 3 the apps' rules. */
export const BACKUP_VERSION = 3;
/**
 * Read by this build: a version-1 file (before teams) restores with its keys ownerless, a version-1
 * or -2 file (before app rules) with no app rule.
 */
export const READABLE_BACKUP_VERSIONS: readonly number[] = [1, 2, 3];

const micros = z.int().check(z.minimum(0));
const epochMs = z.int().check(z.minimum(0));
const limit = z.nullable(z.int().check(z.minimum(0)));

export const backupKeySchema = z.strictObject({
  id: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a key id such as "key_…"')),
  key_hash: z.string().check(z.regex(/^[0-9a-f]{64}$/, 'must be the SHA-256 hex of the key (64 lower-case hex digits)')),
  key_last4: z.string().check(z.maxLength(8)),
  key_alias: z.nullable(z.string().check(z.minLength(1), z.maxLength(256))),
  models: z.array(z.string().check(z.maxLength(256))),
  max_budget_micros: z.nullable(micros),
  budget_duration: z.nullable(z.string().check(z.maxLength(32))),
  budget_reset_at: z.nullable(epochMs),
  spend_micros: micros,
  rpm_limit: limit,
  tpm_limit: limit,
  max_parallel_requests: limit,
  expires_at: z.nullable(epochMs),
  blocked: z.boolean(),
  metadata: z.record(z.string(), z.unknown()),
  created_at: epochMs,
  updated_at: epochMs,
  last_used_at: z.nullable(epochMs),
  /** The key's owners (version 2); absent in a version-1 backup, where every key is ownerless. */
  team_id: z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(256)))),
  user_id: z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(256)))),
});
export type BackupKey = z.infer<typeof backupKeySchema>;

const ownerId = z.string().check(z.minLength(1), z.maxLength(256));
const jsonObject = z.record(z.string(), z.unknown());
const modelNames = z.array(z.string().check(z.maxLength(256)));

/** A team as stored, with its spend (its reservations belong to the old run's requests: not copied). */
export const backupTeamSchema = z.strictObject({
  id: ownerId,
  team_alias: z.nullable(z.string().check(z.minLength(1), z.maxLength(256))),
  models: modelNames,
  max_budget_micros: z.nullable(micros),
  soft_budget_micros: z.nullable(micros),
  budget_duration: z.nullable(z.string().check(z.maxLength(32))),
  budget_reset_at: z.nullable(epochMs),
  spend_micros: micros,
  tpm_limit: limit,
  rpm_limit: limit,
  team_member_budget_micros: z.nullable(micros),
  metadata: jsonObject,
  blocked: z.boolean(),
  created_at: epochMs,
  updated_at: epochMs,
});
export type BackupTeam = z.infer<typeof backupTeamSchema>;

export const backupUserSchema = z.strictObject({
  id: ownerId,
  user_email: z.nullable(z.string().check(z.minLength(1), z.maxLength(320))),
  user_role: z.enum(USER_ROLES),
  max_budget_micros: z.nullable(micros),
  budget_duration: z.nullable(z.string().check(z.maxLength(32))),
  budget_reset_at: z.nullable(epochMs),
  spend_micros: micros,
  models: modelNames,
  metadata: jsonObject,
  created_at: epochMs,
  updated_at: epochMs,
});
export type BackupUser = z.infer<typeof backupUserSchema>;

/** A user's place in a team: role, in-team budget override and what the member spent there. */
export const backupMembershipSchema = z.strictObject({
  team_id: ownerId,
  user_id: ownerId,
  role: z.enum(['admin', 'member']),
  max_budget_in_team_micros: z.nullable(micros),
  spend_micros: micros,
  created_at: epochMs,
});
export type BackupMembership = z.infer<typeof backupMembershipSchema>;

/**
 * An app's rule (version 3), for requests without a key: only apps with a rule are backed up. Like
 * a key, it carries the current period's spend and reset time and its seen history; never the
 * reservations (in-flight requests of the old run).
 */
export const backupAppSchema = z.strictObject({
  app: z.string().check(z.minLength(1), z.maxLength(MAX_APP_NAME_LENGTH)),
  max_budget_micros: z.nullable(micros),
  budget_duration: z.nullable(z.string().check(z.maxLength(32))),
  budget_reset_at: z.nullable(epochMs),
  spend_micros: micros,
  rpm_limit: limit,
  tpm_limit: limit,
  models: z.array(z.string().check(z.minLength(1), z.maxLength(256))),
  default_model: z.nullable(z.string().check(z.minLength(1), z.maxLength(256))),
  allowed: z.boolean(),
  /** When the app first and last called (null: a rule set before it ever called). */
  first_seen: z.nullable(epochMs),
  last_seen: z.nullable(epochMs),
  updated_at: epochMs,
});
export type BackupApp = z.infer<typeof backupAppSchema>;

export const backupModelSchema = z.strictObject({
  id: z.string().check(z.regex(MODEL_ID, 'must be 1-128 letters, digits and . _ : @ # / -')),
  model_name: z.string().check(z.minLength(1), z.maxLength(256)),
  litellm_params: litellmParamsInputSchema,
  model_info: modelInfoInputSchema,
});
export type BackupModel = z.infer<typeof backupModelSchema>;

export const backupDocumentSchema = z.strictObject({
  format: z.literal(BACKUP_FORMAT),
  version: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  created_at: z.string(),
  keys: z.array(backupKeySchema),
  /** Version 2. Absent (a version-1 file): the restore leaves no team, user or membership. */
  teams: z.optional(z.array(backupTeamSchema)),
  users: z.optional(z.array(backupUserSchema)),
  team_memberships: z.optional(z.array(backupMembershipSchema)),
  /** Version 3. Absent (a version-1 or -2 file): the restore leaves no app rule (seen apps stay listed). */
  apps: z.optional(z.array(backupAppSchema)),
  models: z.array(backupModelSchema),
  settings: settingsUpdateSchema,
  /**
   * What `switchboard/active` points at: `model` the group chosen, or null while it follows the
   * default (the first model). Absent in backups taken before it was kept: a restore then leaves
   * the active model alone.
   */
  active_model: z.optional(z.strictObject({
    model: z.nullable(z.string().check(z.minLength(1), z.maxLength(256))),
  })),
});
export type BackupDocument = z.infer<typeof backupDocumentSchema>;

export const restoreRequestSchema = z.strictObject({
  backup: backupDocumentSchema,
  /** Required when the gateway already has keys or dashboard models: restoring replaces them. */
  confirm: z.optional(z.boolean()),
});
export type RestoreRequest = z.infer<typeof restoreRequestSchema>;

export const restoreResultSchema = z.object({
  keys: z.int(),
  models: z.int(),
  /** Restored teams and users (0 from a version-1 backup); absent from a gateway older than version 2. */
  teams: z.optional(z.int()),
  users: z.optional(z.int()),
  /** Restored app rules (0 from a version-1 or -2 backup); absent from a gateway older than version 3. */
  apps: z.optional(z.int()),
  replaced: z.object({ keys: z.int(), models: z.int(), teams: z.optional(z.int()), users: z.optional(z.int()), apps: z.optional(z.int()) }),
  /** What `switchboard/active` points at after the restore. */
  active_model: z.optional(z.nullable(z.string())),
  /** What the restore could not do as the backup says (an active model that is not served here), one sentence each. */
  warnings: z.optional(z.array(z.string())),
});
export type RestoreResult = z.infer<typeof restoreResultSchema>;
