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
