// Contract of POST /admin-key/require ("Require keys"): the admin key the gateway just created,
// shown once, and where it is kept. The only answer that ever carries the admin key.
import * as z from 'zod/mini';

export const requiredAdminKeySchema = z.looseObject({
  key: z.string().check(z.minLength(16)),
  stored_in: z.enum(['keychain', 'file']),
  /** The keychain and account, or the file's path. */
  location: z.string(),
});
export type RequiredAdminKey = z.infer<typeof requiredAdminKeySchema>;

/**
 * GET /admin-key: whether an admin key is in effect and where it comes from. Only the key "Require
 * keys" created for the data directory can be rotated or removed from the dashboard; one set in
 * the environment or the config is changed where it is set.
 */
export const adminKeyStatusSchema = z.looseObject({
  required: z.boolean(),
  source: z.enum(['none', 'data_dir', 'environment', 'config', 'startup']),
  /** For people: the variable, the config file, the keychain account or the file. Null when none is set. */
  location: z.nullable(z.string()),
  /** POST /admin-key/rotate and /admin-key/remove work: the key is the one "Require keys" created. */
  manageable: z.boolean(),
});
export type AdminKeyStatus = z.infer<typeof adminKeyStatusSchema>;
export type AdminKeySource = AdminKeyStatus['source'];

/** POST /admin-key/remove must say it means it: the gateway is open to every local process after it. */
export const removeAdminKeyRequestSchema = z.strictObject({ confirm: z.literal(true) });

export const removedAdminKeySchema = z.looseObject({ required: z.literal(false) });
export type RemovedAdminKey = z.infer<typeof removedAdminKeySchema>;
