// The Anthropic Messages API request (POST /v1/messages and /v1/messages/count_tokens) as zod 4
// schemas: the fields the gateway translates are checked strictly, everything else is tolerated
// because Claude Code sends new fields and block types with every release. Never tolerates a
// field that could steer where a request goes (S13), and never transforms what it validates.
import { ROUTING_FIELDS, findRoutingField } from '../find-routing-field.js';
import { z } from 'zod';

/** Fields no request may carry, at the top level or one level down (S13): the one list both inbound formats use. */
export const ANTHROPIC_ROUTING_FIELDS = ROUTING_FIELDS;
export const findAnthropicRoutingField = findRoutingField;

export const MAX_ANTHROPIC_MODEL_NAME_LENGTH = 256;

/**
 * Validates a value against the schema registered for its `type`, and lets any other `type`
 * through untouched. A plain z.union would report "Invalid input" for the whole block; this keeps
 * the path and message of the field that is actually wrong (`messages.0.content.1.source.data`).
 * A missing `type` is looked up as '' (a tool without `type` is a custom tool); `requireType`
 * makes it an error instead, as it is for content blocks.
 */
function byType<const K extends Record<string, z.ZodType>>(known: K, requireType: boolean) {
  const base = z.looseObject({ type: requireType ? z.string() : z.string().nullish() });
  return base.transform((value, ctx): z.output<K[keyof K]> | LooseBlock => {
    const type = typeof value.type === 'string' ? value.type : '';
    const schema = Object.hasOwn(known, type) ? known[type] : undefined;
    if (schema === undefined) return value as LooseBlock;
    const result = schema.safeParse(value);
    if (result.success) return result.data as z.output<K[keyof K]>;
    for (const issue of result.error.issues) {
      const described = describeZodIssue(issue);
      ctx.addIssue({ code: 'custom', message: described.message, path: described.path });
    }
    return z.NEVER;
  });
}

/** A block or tool whose `type` the gateway does not translate; kept as sent. */
export interface LooseBlock {
  type: string;
  [key: string]: unknown;
}

const cacheControlSchema = z.looseObject({ type: z.string(), ttl: z.string().optional() }).nullish();

export const anthropicTextBlockSchema = z.looseObject({
  type: z.literal('text'),
  text: z.string(),
  cache_control: cacheControlSchema,
});

const imageSourceSchema = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('base64'),
    media_type: z.enum(['image/jpeg', 'image/png', 'image/gif', 'image/webp']),
    data: z.string().min(1),
  }),
  z.looseObject({ type: z.literal('url'), url: z.string().min(1) }),
  z.looseObject({ type: z.literal('file'), file_id: z.string().min(1) }),
]);

export const anthropicImageBlockSchema = z.looseObject({
  type: z.literal('image'),
  source: imageSourceSchema,
  cache_control: cacheControlSchema,
});

const documentSourceSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('base64'), media_type: z.literal('application/pdf'), data: z.string().min(1) }),
  z.looseObject({ type: z.literal('text'), media_type: z.literal('text/plain'), data: z.string() }),
  z.looseObject({
    type: z.literal('content'),
    content: z.union([z.string(), z.array(z.union([anthropicTextBlockSchema, anthropicImageBlockSchema]))]),
  }),
  z.looseObject({ type: z.literal('url'), url: z.string().min(1) }),
  z.looseObject({ type: z.literal('file'), file_id: z.string().min(1) }),
]);

export const anthropicDocumentBlockSchema = z.looseObject({
  type: z.literal('document'),
  source: documentSourceSchema,
  title: z.string().nullish(),
  context: z.string().nullish(),
  cache_control: cacheControlSchema,
});

export const anthropicSearchResultBlockSchema = z.looseObject({
  type: z.literal('search_result'),
  source: z.string(),
  title: z.string(),
  content: z.array(anthropicTextBlockSchema),
});

const toolResultContentBlockSchema = byType(
  {
    text: anthropicTextBlockSchema,
    image: anthropicImageBlockSchema,
    document: anthropicDocumentBlockSchema,
    search_result: anthropicSearchResultBlockSchema,
  },
  true,
);

export const anthropicToolResultBlockSchema = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(toolResultContentBlockSchema)]).nullish(),
  is_error: z.boolean().nullish(),
  cache_control: cacheControlSchema,
});

export const anthropicToolUseBlockSchema = z.looseObject({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  cache_control: cacheControlSchema,
});

export const anthropicThinkingBlockSchema = z.looseObject({
  type: z.literal('thinking'),
  thinking: z.string(),
  signature: z.string().optional(),
});

export const anthropicRedactedThinkingBlockSchema = z.looseObject({
  type: z.literal('redacted_thinking'),
  data: z.string(),
});

const contentBlockSchema = byType(
  {
    text: anthropicTextBlockSchema,
    image: anthropicImageBlockSchema,
    document: anthropicDocumentBlockSchema,
    search_result: anthropicSearchResultBlockSchema,
    tool_use: anthropicToolUseBlockSchema,
    tool_result: anthropicToolResultBlockSchema,
    thinking: anthropicThinkingBlockSchema,
    redacted_thinking: anthropicRedactedThinkingBlockSchema,
  },
  true,
);

const messageSchema = z.discriminatedUnion('role', [
  z.looseObject({ role: z.literal('user'), content: z.union([z.string(), z.array(contentBlockSchema)]) }),
  z.looseObject({ role: z.literal('assistant'), content: z.union([z.string(), z.array(contentBlockSchema)]) }),
  // Newer API versions accept system turns inside `messages` (Claude Code's skills list);
  // litellm dropped them silently (litellm #36917), so they are modelled, not tolerated.
  z.looseObject({ role: z.literal('system'), content: z.union([z.string(), z.array(anthropicTextBlockSchema)]) }),
]);

/** A tool the caller runs: no `type`, or `type: "custom"`. */
export const anthropicCustomToolSchema = z.looseObject({
  type: z.literal('custom').nullish(),
  name: z.string().min(1).max(128),
  description: z.string().nullish(),
  input_schema: z.record(z.string(), z.unknown()),
  cache_control: cacheControlSchema,
});

// Server tools (web_search_20250305, code_execution_...) and Anthropic-defined client tools
// (bash_20250124, text_editor_...) carry a dated `type` and no schema; they are kept loose here and
// judged by the converter, which knows whether the target can run them.
const toolSchema = byType({ '': anthropicCustomToolSchema, custom: anthropicCustomToolSchema }, false);

const toolChoiceSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().nullish() }),
  z.looseObject({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().nullish() }),
  z.looseObject({ type: z.literal('tool'), name: z.string().min(1), disable_parallel_tool_use: z.boolean().nullish() }),
  z.looseObject({ type: z.literal('none') }),
]);

const thinkingSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('enabled'), budget_tokens: z.number().int().min(0) }),
  z.looseObject({ type: z.literal('adaptive') }),
  z.looseObject({ type: z.literal('disabled') }),
  z.looseObject({ type: z.literal('between_tools') }),
]);

const outputConfigSchema = z.looseObject({
  effort: z.enum(['low', 'medium', 'high', 'xhigh', 'max']).nullish(),
  format: z.looseObject({ type: z.literal('json_schema'), schema: z.record(z.string(), z.unknown()) }).nullish(),
});

const modelNameSchema = z
  .string()
  .min(1)
  .max(MAX_ANTHROPIC_MODEL_NAME_LENGTH)
  // eslint-disable-next-line no-control-regex
  .refine((model) => !/[\u0000-\u001f\u007f]/.test(model), 'must not contain control characters');

const commonFields = {
  model: modelNameSchema,
  system: z.union([z.string(), z.array(anthropicTextBlockSchema)]).nullish(),
  tools: z.array(toolSchema).nullish(),
  tool_choice: toolChoiceSchema.nullish(),
  thinking: thinkingSchema.nullish(),
  output_config: outputConfigSchema.nullish(),
};

function rejectRoutingFields(body: Record<string, unknown>, ctx: z.RefinementCtx): void {
  const field = findAnthropicRoutingField(body);
  if (field !== undefined) {
    ctx.addIssue({ code: 'custom', path: field.split('.'), message: FORBIDDEN_FIELD_MESSAGE, params: { forbidden: true } });
  }
}

export const FORBIDDEN_FIELD_MESSAGE =
  "is not accepted: upstreams, keys and headers are set in Switchboard's configuration, not by requests";

export const anthropicMessagesRequestSchema = z
  .looseObject({
    ...commonFields,
    messages: z.array(messageSchema).min(1, 'at least one message is required'),
    max_tokens: z.number().int().min(0),
    stop_sequences: z.array(z.string()).nullish(),
    temperature: z.number().min(0).max(1).nullish(),
    top_p: z.number().min(0).max(1).nullish(),
    top_k: z.number().int().min(0).nullish(),
    stream: z.boolean().nullish(),
    metadata: z.looseObject({ user_id: z.string().nullish() }).nullish(),
  })
  .superRefine(rejectRoutingFields);

export const anthropicCountTokensRequestSchema = z
  .looseObject({
    ...commonFields,
    messages: z.array(messageSchema),
  })
  .superRefine(rejectRoutingFields);

export type AnthropicMessagesRequest = z.output<typeof anthropicMessagesRequestSchema>;
export type AnthropicCountTokensRequest = z.output<typeof anthropicCountTokensRequestSchema>;
export type AnthropicMessage = z.output<typeof messageSchema>;
export type AnthropicContentBlock = z.output<typeof contentBlockSchema>;
export type AnthropicTextBlock = z.output<typeof anthropicTextBlockSchema>;
export type AnthropicImageBlock = z.output<typeof anthropicImageBlockSchema>;
export type AnthropicDocumentBlock = z.output<typeof anthropicDocumentBlockSchema>;
export type AnthropicSearchResultBlock = z.output<typeof anthropicSearchResultBlockSchema>;
export type AnthropicToolUseBlock = z.output<typeof anthropicToolUseBlockSchema>;
export type AnthropicToolResultBlock = z.output<typeof anthropicToolResultBlockSchema>;
export type AnthropicToolResultContentBlock = z.output<typeof toolResultContentBlockSchema>;
export type AnthropicThinkingBlock = z.output<typeof anthropicThinkingBlockSchema>;
export type AnthropicCustomTool = z.output<typeof anthropicCustomToolSchema>;
export type AnthropicTool = z.output<typeof toolSchema>;
export type AnthropicToolChoice = z.output<typeof toolChoiceSchema>;
export type AnthropicThinkingConfig = z.output<typeof thinkingSchema>;
export type AnthropicOutputConfig = z.output<typeof outputConfigSchema>;

interface KnownBlocks {
  text: AnthropicTextBlock;
  image: AnthropicImageBlock;
  document: AnthropicDocumentBlock;
  search_result: AnthropicSearchResultBlock;
  tool_use: AnthropicToolUseBlock;
  tool_result: AnthropicToolResultBlock;
  thinking: AnthropicThinkingBlock;
  redacted_thinking: z.output<typeof anthropicRedactedThinkingBlockSchema>;
}

/**
 * Narrows a parsed block by type. The schema guarantees a block whose `type` is known has that
 * type's shape; TypeScript cannot see it because a loose block's `type` is any string.
 */
export function isAnthropicBlock<T extends keyof KnownBlocks>(block: { type: string }, type: T): block is KnownBlocks[T] {
  return block.type === type;
}

/** A custom (caller-run) tool, as opposed to a dated server or Anthropic-defined tool. */
export function isAnthropicCustomTool(tool: AnthropicTool): tool is AnthropicCustomTool {
  return tool.type === undefined || tool.type === null || tool.type === 'custom';
}

export interface DescribedIssue {
  path: PropertyKey[];
  message: string;
}

/**
 * One zod issue as a path and a sentence a client can act on. A union failure is described by
 * the branch that got furthest (the one whose issue is deepest), or as "expected A or B" when
 * every branch failed on the value's type itself.
 */
export function describeZodIssue(issue: z.core.$ZodIssue): DescribedIssue {
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const rootFailures = issue.errors.map((branch) => {
      const only = branch.length === 1 ? branch[0] : undefined;
      return only !== undefined && only.code === 'invalid_type' && only.path.length === 0 ? only : undefined;
    });
    if (rootFailures.every((failure) => failure !== undefined)) {
      const expected = [...new Set(rootFailures.map((failure) => failure.expected))].join(' or ');
      return { path: issue.path, message: `expected ${expected}, received ${received(rootFailures[0]?.message)}` };
    }
    let best: z.core.$ZodIssue | undefined;
    for (const branch of issue.errors) {
      for (const inner of branch) {
        if (inner.code === 'invalid_type' && inner.path.length === 0) continue;
        if (best === undefined || inner.path.length > best.path.length) best = inner;
      }
    }
    if (best !== undefined) {
      const described = describeZodIssue(best);
      return { path: [...issue.path, ...described.path], message: described.message };
    }
  }
  if (issue.code === 'invalid_type') {
    const got = received(issue.message);
    return { path: issue.path, message: got === 'undefined' ? 'Field required' : `expected ${issue.expected}, received ${got}` };
  }
  return { path: issue.path, message: issue.message.replace(/^Invalid input: /, '') };
}

/** zod reports what it received only in the message ("... received number"): issues omit the input by default. */
function received(message: string | undefined): string {
  const match = message === undefined ? null : /received (\S+)$/.exec(message);
  return match?.[1] ?? 'another type';
}
