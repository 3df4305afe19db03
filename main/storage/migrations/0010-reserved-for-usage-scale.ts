// PLACEHOLDER for migration 10, which belongs to the usage-at-team-scale branch (i16-usage-scale):
// the list must have no gaps, so this branch carries an empty step 10 to test its migration 11.
// When merging, delete this file and list that branch's 0010 in index.ts instead.

export const version = 10;
export const name = 'reserved-for-usage-scale';

export const sql = '';

export const postgresql = '';
