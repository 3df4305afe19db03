// The app rule form's fields and their translation to a POST /app/update body: the budget typed in
// USD, limits as whole numbers, an empty field meaning "no limit". Editing sends every field (null
// clears it) except an untouched budget period, so saving other fields never restarts the app's
// budget period by accident; a new rule (an app typed by name) sends only what was filled in.
import type { AppDescription, AppUpdateRequest } from '../../../../shared/api/app-schemas.js';
import { MAX_APP_NAME_LENGTH } from '../../../../shared/api/app-schemas.js';
import { FieldError } from '../../components/field-error.js';
import { optionalNumber } from '../../components/optional-number.js';

export interface AppFormValues {
  /** The app's name as usage records it (typed only for a rule on an app not seen yet). */
  app: string;
  maxBudget: string;
  budgetDuration: string;
  rpm: string;
  tpm: string;
  /** Empty: every model. */
  models: string[];
  /** '' = wherever the active model points. */
  defaultModel: string;
  /** May call when only allowed apps may (general_settings.only_allowed_apps). */
  allowed: boolean;
}

export const EMPTY_APP_FORM: AppFormValues = { app: '', maxBudget: '', budgetDuration: '', rpm: '', tpm: '', models: [], defaultModel: '', allowed: false };

export function appFormFromDescription(app: AppDescription): AppFormValues {
  const text = (n: number | null) => (n === null ? '' : String(n));
  return {
    app: app.app,
    maxBudget: text(app.max_budget),
    budgetDuration: app.budget_duration ?? '',
    rpm: text(app.rpm_limit),
    tpm: text(app.tpm_limit),
    models: [...app.models],
    defaultModel: app.default_model ?? '',
    allowed: app.allowed,
  };
}

type RuleFields = Required<Omit<AppUpdateRequest, 'budget_duration'>>;

function readValues(values: AppFormValues): RuleFields {
  const app = values.app.trim();
  if (app === '') throw new FieldError<AppFormValues>('app', 'Name the app as Usage shows it (e.g. sync_notes.py, QwenCode).');
  if (app.length > MAX_APP_NAME_LENGTH) throw new FieldError<AppFormValues>('app', `An app name is at most ${MAX_APP_NAME_LENGTH} characters.`);
  return {
    app,
    max_budget: optionalNumber(values.maxBudget, 'maxBudget', 'A budget is a number of dollars, 0 or more.', false),
    rpm_limit: optionalNumber(values.rpm, 'rpm', 'Requests per minute is a whole number.', true),
    tpm_limit: optionalNumber(values.tpm, 'tpm', 'Tokens per minute is a whole number.', true),
    models: values.models,
    default_model: values.defaultModel === '' ? null : values.defaultModel,
    allowed: values.allowed,
  };
}

/** A rule for an app typed by name: only the fields filled in (and `allowed` when ticked). */
export function toNewAppRule(values: AppFormValues): AppUpdateRequest {
  const v = readValues(values);
  const request: AppUpdateRequest = { app: v.app };
  if (v.max_budget !== null) request.max_budget = v.max_budget;
  if (values.budgetDuration !== '') request.budget_duration = values.budgetDuration;
  if (v.rpm_limit !== null) request.rpm_limit = v.rpm_limit;
  if (v.tpm_limit !== null) request.tpm_limit = v.tpm_limit;
  if (v.models.length > 0) request.models = v.models;
  if (v.default_model !== null) request.default_model = v.default_model;
  if (v.allowed) request.allowed = true;
  return request;
}

/** An edit of a listed app: every field (null clears it), the budget period only when it changed. */
export function toAppRuleUpdate(values: AppFormValues, before: AppFormValues): AppUpdateRequest {
  const request: AppUpdateRequest = { ...readValues(values), app: before.app };
  if (values.budgetDuration !== before.budgetDuration) request.budget_duration = values.budgetDuration === '' ? null : values.budgetDuration;
  return request;
}
