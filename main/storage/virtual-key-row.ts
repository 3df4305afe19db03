// The one mapping of a virtual_keys row: its columns, and its JSON and flag columns decoded to
// values and encoded back. The key repository and the backup both read and write the table through
// it, so a new column or encoding changes in one place. key_hash is not among the columns: only
// the repository's lookups and the backup name it, each on purpose. Never sees a plaintext key.

/** A virtual_keys row as SQLite returns it (without key_hash and reserved_micros). */
export interface VirtualKeyRow {
  id: string;
  key_last4: string;
  key_alias: string | null;
  /** JSON array of model names or patterns. */
  models: string;
  max_budget_micros: number | null;
  budget_duration: string | null;
  budget_reset_at: number | null;
  spend_micros: number;
  rpm_limit: number | null;
  tpm_limit: number | null;
  max_parallel_requests: number | null;
  expires_at: number | null;
  /** 0 or 1. */
  blocked: number;
  /** JSON object. */
  metadata: string;
  created_at: number;
  updated_at: number;
  last_used_at: number | null;
}

/** A row's values decoded: the models list, the metadata object and the blocked flag as themselves. */
export type VirtualKeyValues<Row extends VirtualKeyRow = VirtualKeyRow> = Omit<Row, 'models' | 'metadata' | 'blocked'> & {
  models: string[];
  metadata: Record<string, unknown>;
  blocked: boolean;
};

export const VIRTUAL_KEY_COLUMNS: readonly (keyof VirtualKeyRow)[] = [
  'id', 'key_last4', 'key_alias', 'models', 'max_budget_micros', 'budget_duration', 'budget_reset_at', 'spend_micros',
  'rpm_limit', 'tpm_limit', 'max_parallel_requests', 'expires_at', 'blocked', 'metadata', 'created_at', 'updated_at', 'last_used_at',
];

export function decodeVirtualKeyRow<Row extends VirtualKeyRow>(row: Row): VirtualKeyValues<Row> {
  return {
    ...row,
    models: JSON.parse(row.models) as string[],
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    blocked: row.blocked === 1,
  };
}

export function encodeVirtualKeyRow<Values extends VirtualKeyValues>(values: Values): Omit<Values, 'models' | 'metadata' | 'blocked'> & Pick<VirtualKeyRow, 'models' | 'metadata' | 'blocked'> {
  return { ...values, models: JSON.stringify(values.models), metadata: JSON.stringify(values.metadata), blocked: values.blocked ? 1 : 0 };
}
