// Contracts of the LiteLLM-compatible /user/* routes, one for the server and the dashboard: the
// user description and every request body. Bodies are strict: a LiteLLM field Switchboard does not
// support (teams, user_alias, send_invite_email, ...) is refused with a 400 naming it, never dropped.
import * as z from 'zod/mini';
import { keyDescriptionSchema } from './key-schemas.js';
import { teamDescriptionSchema } from './team-schemas.js';

/** LiteLLM's user roles. Stored and shown; the management API's role checks are issue 17 item 4's. */
export const USER_ROLES = ['proxy_admin', 'proxy_admin_viewer', 'internal_user', 'internal_user_viewer', 'team', 'customer'] as const;
export type UserRole = (typeof USER_ROLES)[number];

const nullableNumber = z.nullable(z.number());
const nullableString = z.nullable(z.string());
export const MAX_USER_ID_LENGTH = 256;
export const MAX_USER_EMAIL_LENGTH = 320;
const userIdSchema = z.string().check(z.minLength(1), z.maxLength(MAX_USER_ID_LENGTH));
const emailSchema = z.string().check(z.minLength(1), z.maxLength(MAX_USER_EMAIL_LENGTH));
const modelsSchema = z.array(z.string().check(z.minLength(1), z.maxLength(256))).check(z.maxLength(1_000));

export const userDescriptionSchema = z.looseObject({
  user_id: z.string(),
  user_email: nullableString,
  user_role: z.string(),
  /** USD. */
  max_budget: nullableNumber,
  spend: z.number(),
  budget_duration: nullableString,
  budget_reset_at: nullableString,
  models: z.array(z.string()),
  metadata: z.record(z.string(), z.unknown()),
  created_at: z.string(),
  updated_at: z.string(),
});
export type UserDescription = z.infer<typeof userDescriptionSchema>;

const userFields = {
  user_email: z.optional(z.nullable(emailSchema)),
  user_role: z.optional(z.enum(USER_ROLES)),
  max_budget: z.optional(z.nullable(z.number().check(z.minimum(0)))),
  budget_duration: z.optional(nullableString),
  models: z.optional(modelsSchema),
  metadata: z.optional(z.record(z.string(), z.unknown())),
};

/** POST /user/new. `auto_create_key` (default true, as in LiteLLM) also makes a key owned by the user. */
export const userNewRequestSchema = z.strictObject({
  user_id: z.optional(userIdSchema),
  auto_create_key: z.optional(z.boolean()),
  ...userFields,
});

/** POST /user/update: by user_id, or by user_email when no user_id is given. */
export const userUpdateRequestSchema = z.strictObject({ user_id: z.optional(userIdSchema), ...userFields });

/** POST /user/delete. */
export const userDeleteRequestSchema = z.strictObject({ user_ids: z.array(userIdSchema).check(z.minLength(1), z.maxLength(1_000)) });

/**
 * GET /user/info: the user, its keys and its teams (LiteLLM's shape). The dashboard reads it with a
 * user's own key (no `user_id`: the caller's user) to learn who signed in and which teams it admins.
 */
export const userInfoSchema = z.looseObject({
  user_id: z.string(),
  user_info: userDescriptionSchema,
  keys: z.array(keyDescriptionSchema),
  teams: z.array(teamDescriptionSchema),
});
export type UserInfo = z.infer<typeof userInfoSchema>;
