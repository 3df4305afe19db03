// How each request outcome reads in the Logs page. `rejected` (refused by a rate limit, the
// budget or the key's model list) is not an error: it is counted and filtered apart.
import type { UsageStatus } from '../../../../shared/api/usage-schemas.js';

export const STATUS_LABELS: Record<UsageStatus, string> = {
  success: 'Success',
  upstream_error: 'Upstream error',
  client_aborted: 'Client cancelled',
  upstream_stalled: 'Upstream stalled',
  rejected: 'Rejected',
  error: 'Error',
  interrupted: 'Interrupted',
};

export const STATUS_TONE: Record<UsageStatus, 'ok' | 'bad' | 'warn'> = {
  success: 'ok',
  upstream_error: 'bad',
  client_aborted: 'warn',
  upstream_stalled: 'bad',
  rejected: 'warn',
  error: 'bad',
  interrupted: 'warn',
};
