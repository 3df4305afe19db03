// Contracts of what the /user/* routes answer that the dashboard reads: a page of users (shapes
// from main/gateway/routes/user-routes.ts, LiteLLM's). Loose objects: a field the gateway adds
// later never breaks an older dashboard.
import * as z from 'zod/mini';
import { userDescriptionSchema } from './user-schemas.js';

/** GET /user/list. */
export const userListSchema = z.looseObject({
  users: z.array(userDescriptionSchema),
  total: z.number(),
  page: z.number(),
  page_size: z.number(),
  total_pages: z.number(),
});
export type UserList = z.infer<typeof userListSchema>;
