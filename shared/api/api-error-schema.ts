// The error body every management route answers with (OpenAI's shape, codes from
// shared/gateway-error-codes.ts), as the dashboard parses it. Shapes only.
import * as z from 'zod/mini';

export const apiErrorBodySchema = z.looseObject({
  error: z.looseObject({
    message: z.string(),
    type: z.optional(z.string()),
    param: z.optional(z.nullable(z.string())),
    code: z.optional(z.nullable(z.string())),
  }),
});
export type ApiErrorBody = z.infer<typeof apiErrorBodySchema>;
