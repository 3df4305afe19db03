// Contracts of Switchboard's backup routes: GET /backup returns one versioned JSON document with
// the virtual keys (their SHA-256 hashes: a raw key is never stored, so never in a backup), the
// models added in the dashboard and the dashboard's settings; POST /backup/restore loads one.
// Provider keys are not in it: models name them by reference (keychain/NAME, os.environ/NAME).
import * as z from 'zod/mini';
import { litellmParamsInputSchema, modelInfoInputSchema, MODEL_ID } from './model-schemas.js';
import { settingsUpdateSchema } from './settings-schemas.js';

export const BACKUP_FORMAT = 'switchboard-backup';
export const BACKUP_VERSION = 1;

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
});
export type BackupKey = z.infer<typeof backupKeySchema>;

export const backupModelSchema = z.strictObject({
  id: z.string().check(z.regex(MODEL_ID, 'must be 1-128 letters, digits and . _ : @ # / -')),
  model_name: z.string().check(z.minLength(1), z.maxLength(256)),
  litellm_params: litellmParamsInputSchema,
  model_info: modelInfoInputSchema,
});
export type BackupModel = z.infer<typeof backupModelSchema>;

export const backupDocumentSchema = z.strictObject({
  format: z.literal(BACKUP_FORMAT),
  version: z.literal(BACKUP_VERSION),
  created_at: z.string(),
  keys: z.array(backupKeySchema),
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
  replaced: z.object({ keys: z.int(), models: z.int() }),
  /** What `switchboard/active` points at after the restore. */
  active_model: z.optional(z.nullable(z.string())),
  /** What the restore could not do as the backup says (an active model that is not served here), one sentence each. */
  warnings: z.optional(z.array(z.string())),
});
export type RestoreResult = z.infer<typeof restoreResultSchema>;
