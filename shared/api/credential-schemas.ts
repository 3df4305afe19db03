// Contract of the write-only /credentials routes as the dashboard uses them: a list of where
// each provider key lives with a mask (never the key), and the answer to storing one.
import * as z from 'zod/mini';

export const credentialViewSchema = z.looseObject({
  name: z.string(),
  stored_in: z.enum(['keychain', 'environment', 'config_file']),
  location: z.string(),
  /** `sk-...abcd`, or null when the key is missing. */
  mask: z.nullable(z.string()),
  missing: z.boolean(),
  used_by: z.array(z.string()),
});
export type CredentialView = z.infer<typeof credentialViewSchema>;

export const credentialListSchema = z.looseObject({
  data: z.array(credentialViewSchema),
  store: z.looseObject({
    kind: z.string(),
    location: z.string(),
    /** False when the keychain cannot be read here (no Secret Service, locked); `problem` says why. */
    available: z.optional(z.boolean()),
    problem: z.optional(z.string()),
  }),
});
export type CredentialList = z.infer<typeof credentialListSchema>;

/** Keychain names, referenced from a model as keychain/NAME. */
export const CREDENTIAL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

export const credentialSaveSchema = z.strictObject({
  name: z.string().check(z.regex(CREDENTIAL_NAME, 'must be 1-128 letters, digits, "_", "." or "-"')),
  value: z.string().check(z.minLength(1)),
});
export type CredentialSave = z.infer<typeof credentialSaveSchema>;

export const credentialSavedSchema = z.extend(credentialViewSchema, { replaced: z.boolean() });

export const credentialDeletedSchema = z.looseObject({
  name: z.string(),
  deleted: z.boolean(),
  /** Models whose deployments still name this key (they fail until it is set again). */
  still_referenced_by: z.array(z.string()),
});
export type CredentialDeleted = z.infer<typeof credentialDeletedSchema>;
