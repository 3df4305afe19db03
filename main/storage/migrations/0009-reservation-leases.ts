// Migration 9: each budget reservation carries a lease, the time after which a sweep may free it
// uncharged. In team mode a replica killed mid-request can neither settle its holds nor charge
// them at its next start, so without a lease its money would stay held for good. Reservations made
// before this step have no lease (NULL): the sweep leaves them to the restart path.

export const version = 9;
export const name = 'reservation-leases';

export const sql = `
ALTER TABLE budget_reservations ADD COLUMN lease_until INTEGER;
CREATE INDEX budget_reservations_lease_until ON budget_reservations (lease_until) WHERE settled = 0 AND lease_until IS NOT NULL;
`;

export const postgresql = `
ALTER TABLE budget_reservations ADD COLUMN lease_until BIGINT;
CREATE INDEX budget_reservations_lease_until ON budget_reservations (lease_until) WHERE settled = 0 AND lease_until IS NOT NULL;
`;
