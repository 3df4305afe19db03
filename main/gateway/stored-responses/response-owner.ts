// Who owns a stored response: the virtual key that made it, or null for the admin key and open
// local mode. Every read, delete and previous_response_id lookup is scoped by it, so one app
// never sees another app's conversation. Never uses the presented key itself.
import type { Principal } from '../../core/principal.js';

export function responseOwnerOf(principal: Principal): string | null {
  return principal.kind === 'virtual' ? principal.keyId : null;
}
