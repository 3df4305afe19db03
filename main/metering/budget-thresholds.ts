// Decides when to tell the user an app (a virtual key), a team or a user has used 80% or 100% of
// its budget, or of a team's soft budget (the desktop notifications and the gateway's webhook and
// log line alike): once
// per threshold crossed, re-armed when spend falls back (budget reset or raised). Pure: takes
// the keys' spend and the levels already announced, returns the alerts and the new levels.
// Money is integer micro-USD; never formats, never shows a key.

export type BudgetLevel = 80 | 100;
export const BUDGET_LEVELS: readonly BudgetLevel[] = [80, 100];

export interface KeyBudget {
  keyId: string;
  /** The app's name (the key alias), or the masked key when it has none. */
  app: string;
  spendMicros: number;
  /** null = no budget. */
  maxBudgetMicros: number | null;
  /** A soft budget (a team's soft_budget): it warns at 80% and 100% and never refuses. */
  soft?: boolean;
}

export interface BudgetAlert {
  keyId: string;
  app: string;
  level: BudgetLevel;
  spendMicros: number;
  maxBudgetMicros: number;
  soft?: boolean;
}

/** Key id -> the highest level already announced for the current budget period. */
export type AnnouncedBudgetLevels = ReadonlyMap<string, BudgetLevel>;

/** The highest level `spend` has reached, or null below 80%. Integer math: no float rounding at the edge. */
export function budgetLevel(spendMicros: number, maxBudgetMicros: number | null): BudgetLevel | null {
  // A zero budget means "no spending allowed"; it is not a budget being used up, so no alert.
  if (maxBudgetMicros === null || maxBudgetMicros <= 0) return null;
  if (spendMicros >= maxBudgetMicros) return 100;
  // spend / max >= 80 / 100, without dividing (micros up to 1e15 keep 5x within safe integers).
  if (spendMicros * 5 >= maxBudgetMicros * 4) return 80;
  return null;
}

export function checkBudgets(keys: readonly KeyBudget[], announced: AnnouncedBudgetLevels): { alerts: BudgetAlert[]; announced: Map<string, BudgetLevel> } {
  const alerts: BudgetAlert[] = [];
  const next = new Map<string, BudgetLevel>();
  for (const key of keys) {
    const level = budgetLevel(key.spendMicros, key.maxBudgetMicros);
    const previous = announced.get(key.keyId);
    if (level === null) continue; // below 80% (again): forget what was announced, so it re-arms
    next.set(key.keyId, level);
    // Only a rise is news: 80% -> 100% alerts again, 100% -> 80% (budget raised) does not.
    // Jumping from below 80% straight to 100% is one alert, not two.
    if (previous === undefined || level > previous) {
      alerts.push({ keyId: key.keyId, app: key.app, level, spendMicros: key.spendMicros, maxBudgetMicros: key.maxBudgetMicros!, ...(key.soft ? { soft: true } : {}) });
    }
  }
  return { alerts, announced: next };
}
