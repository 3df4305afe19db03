// Migration 16: an empty stand-in on this branch (i17-backup-alerts). Number 16 belongs to another
// branch of issue 17; this file keeps the list without a gap so migration 17 can be applied and
// tested here, and is replaced by that branch's step at merge (nothing else refers to it).

export const version = 16;
export const name = 'stand-in';

export const sql = '';

export const postgresql = '';
