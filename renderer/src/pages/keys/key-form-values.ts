// The key form's fields and their translation to LiteLLM /key/generate and /key/update fields:
// budgets typed in USD, limits as whole numbers, an empty field meaning "no limit". On edit an
// emptied field is sent as null (remove the limit); untouched schedule fields are not sent, so
// saving limits never restarts a budget period by accident.
import type { KeyDescription, KeyFields } from '../../../../shared/api/key-schemas.js';
import { FieldError } from '../../components/field-error.js';
import { optionalNumber } from '../../components/optional-number.js';

export interface KeyFormValues {
  alias: string;
  /** Empty: every model. */
  models: string[];
  maxBudget: string;
  budgetDuration: string;
  rpm: string;
  tpm: string;
  parallel: string;
  /** '' = never; '__keep' = leave the current expiry (edit only). */
  expiresIn: string;
  /** The owning team's and user's ids; '' = none. Chosen when the key is created (the edit form keeps them). */
  teamId: string;
  userId: string;
}

export const KEEP = '__keep';

export const BUDGET_PERIODS: readonly { value: string; label: string }[] = [
  { value: '', label: 'Never resets' },
  { value: '1d', label: 'Resets daily' },
  { value: '7d', label: 'Resets weekly' },
  { value: '30d', label: 'Resets every 30 days' },
  { value: '1mo', label: 'Resets monthly' },
];

export const EXPIRY_CHOICES: readonly { value: string; label: string }[] = [
  { value: '', label: 'Never' },
  { value: '7d', label: 'In 7 days' },
  { value: '30d', label: 'In 30 days' },
  { value: '90d', label: 'In 90 days' },
  { value: '365d', label: 'In a year' },
];

export const EMPTY_KEY_FORM: KeyFormValues = { alias: '', models: [], maxBudget: '', budgetDuration: '', rpm: '', tpm: '', parallel: '', expiresIn: '', teamId: '', userId: '' };

export function keyFormFromDescription(key: KeyDescription): KeyFormValues {
  const text = (n: number | null) => (n === null ? '' : String(n));
  return {
    alias: key.key_alias ?? '',
    models: [...key.models],
    maxBudget: text(key.max_budget),
    budgetDuration: key.budget_duration ?? '',
    rpm: text(key.rpm_limit),
    tpm: text(key.tpm_limit),
    parallel: text(key.max_parallel_requests),
    expiresIn: KEEP,
    teamId: key.team_id ?? '',
    userId: key.user_id ?? '',
  };
}

export function toKeyFields(values: KeyFormValues, mode: 'create' | 'edit', before?: KeyFormValues): KeyFields {
  const alias = values.alias.trim();
  if (alias === '') throw new FieldError<KeyFormValues>('alias', 'Name the app this key is for; usage is shown under this name.');
  const fields: KeyFields = { key_alias: alias, models: values.models };
  const budget = optionalNumber(values.maxBudget, 'maxBudget', 'A budget is a number of dollars, 0 or more.', false);
  const rpm = optionalNumber(values.rpm, 'rpm', 'Requests per minute is a whole number.', true);
  const tpm = optionalNumber(values.tpm, 'tpm', 'Tokens per minute is a whole number.', true);
  const parallel = optionalNumber(values.parallel, 'parallel', 'Parallel requests is a whole number.', true);
  if (mode === 'create') {
    if (budget !== null) fields.max_budget = budget;
    if (values.budgetDuration !== '' && budget !== null) fields.budget_duration = values.budgetDuration;
    if (rpm !== null) fields.rpm_limit = rpm;
    if (tpm !== null) fields.tpm_limit = tpm;
    if (parallel !== null) fields.max_parallel_requests = parallel;
    if (values.expiresIn !== '' && values.expiresIn !== KEEP) fields.duration = values.expiresIn;
    if (values.teamId !== '') fields.team_id = values.teamId;
    if (values.userId !== '') fields.user_id = values.userId;
    return fields;
  }
  fields.max_budget = budget;
  fields.rpm_limit = rpm;
  fields.tpm_limit = tpm;
  fields.max_parallel_requests = parallel;
  if (before === undefined || values.budgetDuration !== before.budgetDuration) fields.budget_duration = values.budgetDuration === '' ? null : values.budgetDuration;
  if (values.expiresIn !== KEEP) fields.duration = values.expiresIn === '' ? null : values.expiresIn;
  return fields;
}
