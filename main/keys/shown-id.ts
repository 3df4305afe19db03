// shownId: how a team id, user id or email sent by a client is named in an error message. A value
// shaped like a key (`sk-` and 20 characters or more: ours or a provider's, pasted into the wrong
// field) is shown as its mask only, and any value is cut to 128 characters: errors never carry a secret.
import { keyLast4, maskKey } from '../keys/virtual-keys.js';

export function shownId(value: string): string {
  if (value.startsWith('sk-') && value.length >= 20) return maskKey(keyLast4(value));
  return value.length > 128 ? `${value.slice(0, 128)}…` : value;
}
