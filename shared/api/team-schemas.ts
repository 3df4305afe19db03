// Contracts of the LiteLLM-compatible /team/* routes, one for the server and the dashboard: the
// team description (LiteLLM's team table with members_with_roles) and every request body. Bodies
// are strict: a LiteLLM field Switchboard does not support (organization_id, model_aliases,
// guardrails, ...) is refused with a 400 naming it, never silently dropped.
import * as z from 'zod/mini';

const nullableNumber = z.nullable(z.number());
const nullableString = z.nullable(z.string());
export const MAX_TEAM_ID_LENGTH = 256;
export const MAX_TEAM_ALIAS_LENGTH = 256;
const idSchema = z.string().check(z.minLength(1), z.maxLength(MAX_TEAM_ID_LENGTH));
const userIdSchema = z.string().check(z.minLength(1), z.maxLength(256));
const emailSchema = z.string().check(z.minLength(1), z.maxLength(320));
const usd = z.nullable(z.number().check(z.minimum(0)));
const limit = z.nullable(z.int().check(z.minimum(0)));
const modelsSchema = z.array(z.string().check(z.minLength(1), z.maxLength(256))).check(z.maxLength(1_000));

/** LiteLLM's roles in a team: 'user' is a plain member. */
export const TEAM_MEMBER_ROLES = ['admin', 'user'] as const;

export const teamMemberDescriptionSchema = z.looseObject({
  user_id: z.string(),
  user_email: nullableString,
  role: z.enum(TEAM_MEMBER_ROLES),
});

export const teamMembershipDescriptionSchema = z.looseObject({
  team_id: z.string(),
  user_id: z.string(),
  /** USD spent by this member in this team. */
  spend: z.number(),
  max_budget_in_team: nullableNumber,
});

export const teamDescriptionSchema = z.looseObject({
  team_id: z.string(),
  team_alias: nullableString,
  models: z.array(z.string()),
  /** USD. */
  max_budget: nullableNumber,
  soft_budget: nullableNumber,
  spend: z.number(),
  budget_duration: nullableString,
  budget_reset_at: nullableString,
  tpm_limit: nullableNumber,
  rpm_limit: nullableNumber,
  team_member_budget: nullableNumber,
  metadata: z.record(z.string(), z.unknown()),
  blocked: z.boolean(),
  members_with_roles: z.array(teamMemberDescriptionSchema),
  created_at: z.string(),
  updated_at: z.string(),
});
export type TeamDescription = z.infer<typeof teamDescriptionSchema>;

/** A member as LiteLLM sends one: by user_id or user_email (at least one; the route says so). */
export const memberSchema = z.strictObject({
  role: z.optional(z.enum(TEAM_MEMBER_ROLES)),
  user_id: z.optional(userIdSchema),
  user_email: z.optional(emailSchema),
});

const teamFields = {
  team_alias: z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(MAX_TEAM_ALIAS_LENGTH)))),
  models: z.optional(modelsSchema),
  max_budget: z.optional(usd),
  soft_budget: z.optional(usd),
  budget_duration: z.optional(nullableString),
  tpm_limit: z.optional(limit),
  rpm_limit: z.optional(limit),
  /** Default budget of each member in this team (USD), unless the membership overrides it. */
  team_member_budget: z.optional(usd),
  metadata: z.optional(z.record(z.string(), z.unknown())),
  blocked: z.optional(z.boolean()),
};

/** POST /team/new: `team_id` defaults to a new UUID. */
export const teamNewRequestSchema = z.strictObject({
  team_id: z.optional(idSchema),
  members_with_roles: z.optional(z.array(memberSchema).check(z.maxLength(1_000))),
  ...teamFields,
});

/** POST /team/update: the team and the fields to change (`null` clears one). */
export const teamUpdateRequestSchema = z.strictObject({ team_id: idSchema, ...teamFields });

export type TeamNewRequest = z.infer<typeof teamNewRequestSchema>;
/** /team/update's fields besides team_id. */
export type TeamUpdateFields = Omit<z.infer<typeof teamUpdateRequestSchema>, 'team_id'>;

/** POST /team/delete. */
export const teamDeleteRequestSchema = z.strictObject({ team_ids: z.array(idSchema).check(z.minLength(1), z.maxLength(1_000)) });

/** POST /team/block, /team/unblock. */
export const teamRefRequestSchema = z.strictObject({ team_id: idSchema });

/**
 * POST /team/member_add. LiteLLM takes one member or a list; the server wraps a single member in a
 * list before validating (withMemberList), so a problem is named by its place (`member.0.role`).
 */
export const teamMemberAddRequestSchema = z.strictObject({
  team_id: idSchema,
  member: z.array(memberSchema).check(z.minLength(1), z.maxLength(1_000)),
  max_budget_in_team: z.optional(usd),
});

/** POST /team/member_update. */
export const teamMemberUpdateRequestSchema = z.strictObject({
  team_id: idSchema,
  user_id: z.optional(userIdSchema),
  user_email: z.optional(emailSchema),
  role: z.optional(z.enum(TEAM_MEMBER_ROLES)),
  max_budget_in_team: z.optional(usd),
});
export type TeamMemberAddRequest = z.infer<typeof teamMemberAddRequestSchema>;
export type TeamMemberUpdateRequest = z.infer<typeof teamMemberUpdateRequestSchema>;

/** POST /team/member_delete. */
export const teamMemberDeleteRequestSchema = z.strictObject({
  team_id: idSchema,
  user_id: z.optional(userIdSchema),
  user_email: z.optional(emailSchema),
});

/** member_add's body with a single `member` as a one-item list (other bodies unchanged). */
export function withMemberList(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !('member' in body)) return body;
  const member = (body as { member: unknown }).member;
  return Array.isArray(member) ? body : { ...body, member: [member] };
}
