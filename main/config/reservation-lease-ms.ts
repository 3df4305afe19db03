// How long a budget reservation holds before team mode's leader bills it as interrupted, from
// `general_settings.reservation_lease_seconds` (already checked by the config schema). A replica
// killed mid-request frees nothing until then, and a request running longer than the lease is
// billed at its hold: the default (DEFAULT_RESERVATION_LEASE_MS, 30 min) outlasts any sane request.
import { DEFAULT_RESERVATION_LEASE_MS } from '../metering/budget-ledger.js';

export function reservationLeaseMs(generalSettings: Readonly<Record<string, unknown>>): number {
  const seconds = generalSettings.reservation_lease_seconds;
  return typeof seconds === 'number' ? seconds * 1000 : DEFAULT_RESERVATION_LEASE_MS;
}
