// What admission needs of an app's rule (issue 19): the interface, where it is consumed (the
// meter); main/apps/app-rules.ts implements it over the apps table. Types only.

/** What admission reads of an app's rule. */
export interface AppRule {
  app: string;
  /** Allowed model groups or patterns; empty = every model. */
  models: readonly string[];
  defaultModel: string | null;
  rpmLimit: number | null;
  tpmLimit: number | null;
  /** A budget applies: admission reserves the worst case against the app's row. */
  hasBudget: boolean;
  allowed: boolean;
}

export interface AppRules {
  /**
   * The app's rule, or undefined; records the name the first time it is seen (the meter calls it
   * when an admitted request's row is written, under the app's final name). A Set hit and a Map
   * lookup for a known name.
   */
  admit(app: string): AppRule | undefined;
  /** The rule only (no seen bookkeeping): for the default-model redirect before routing. */
  rule(app: string): AppRule | undefined;
  /** Some app has a rule: admission waits (bounded) for the caller's process lookup to name the app. */
  hasRules(): boolean;
  /** Some app has a default_model: the redirect has something to do. */
  hasDefaultModels(): boolean;
  /** Reads the rules and the seen names (at start, and when another replica changed them). */
  load(): void | Promise<void>;
  dispose(): void;
}

