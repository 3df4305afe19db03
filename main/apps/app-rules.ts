// The apps as admission sees them: the rules in a Map and the names already seen in a Set, both in
// memory, so a keyless request costs one Set hit and one Map lookup (an app without a rule: a
// miss). A name never seen is recorded once (markSeen: synchronous on SQLite, a background write on
// PostgreSQL, never awaited by the request) and announced once through onNewApp, only by the call
// that made it seen, so neither a restart nor a second replica repeats it. Reloaded when a rule
// changes: by the repository's own change events, and in team mode by the 'apps' change topic.
import type { Log } from '../storage/log.js';
import type { CallMode } from '../storage/storage-connection.js';
import { hasRule, type AppRecord, type AppStore } from './app-repository.js';
import type { AppRule, AppRules } from '../metering/app-rule.js';

export type { AppRule, AppRules };

export interface AppRulesDeps {
  store: AppStore<CallMode>;
  log: Log;
  /** Called once per app name ever, the first time a request from it is admitted (job D: a desktop notification). */
  onNewApp?: (app: string) => void;
}

export function createAppRules(deps: AppRulesDeps): AppRules {
  let rules = new Map<string, AppRule>();
  let defaults = false;
  const seen = new Set<string>();
  // Bumped by every load, so an older load finishing late never replaces a newer one.
  let generation = 0;

  const apply = (records: readonly AppRecord[], names: readonly string[]) => {
    const next = new Map<string, AppRule>();
    for (const record of records) if (hasRule(record)) next.set(record.app, toRule(record));
    rules = next;
    defaults = records.some((record) => record.defaultModel !== null);
    for (const name of names) seen.add(name);
  };
  const load = (): void | Promise<void> => {
    const mine = ++generation;
    const records = deps.store.rules();
    const names = deps.store.seenNames();
    if (records instanceof Promise || names instanceof Promise) {
      return Promise.all([records, names]).then(([r, n]) => {
        if (mine === generation) apply(r, n);
      });
    }
    apply(records, names);
  };
  const reloadQuietly = () => {
    try {
      const loading = load();
      if (loading instanceof Promise) loading.catch((error: unknown) => deps.log.warn({ err: error }, 'could not re-read the app rules; the next change retries'));
    } catch (error) {
      deps.log.warn({ err: error }, 'could not re-read the app rules; the next change retries');
    }
  };
  // This process's own rule changes apply when they commit, before the route answers (a reload on
  // PostgreSQL would answer later: the next request could still miss the rule). Other replicas'
  // changes arrive through the change feed, which calls load().
  const unsubscribe = deps.store.onChange((change) => {
    if (change.type === 'seen') return;
    if (change.record === undefined) return reloadQuietly();
    const next = new Map(rules);
    if (change.record !== null && hasRule(change.record)) next.set(change.app, toRule(change.record));
    else next.delete(change.app);
    rules = next;
    defaults = [...next.values()].some((rule) => rule.defaultModel !== null);
    // A load already under way read the rows before this change: it must not replace it.
    generation += 1;
  });

  const announce = (app: string, first: boolean) => {
    if (!first || deps.onNewApp === undefined) return;
    try {
      deps.onNewApp(app);
    } catch (error) {
      deps.log.warn({ err: error, app }, 'the new-app listener failed');
    }
  };
  const markSeen = (app: string) => {
    seen.add(app);
    const forget = (error: unknown) => {
      // Not recorded: the next request of this app tries again.
      seen.delete(app);
      deps.log.warn({ err: error, app }, 'could not record a new app; the next request retries');
    };
    try {
      const first = deps.store.markSeen(app);
      if (first instanceof Promise) first.then((value) => announce(app, value), forget);
      else announce(app, first);
    } catch (error) {
      forget(error);
    }
  };

  return {
    admit(app) {
      if (!seen.has(app)) markSeen(app);
      return rules.get(app);
    },
    rule: (app) => rules.get(app),
    hasRules: () => rules.size > 0,
    hasDefaultModels: () => defaults,
    load,
    dispose: () => {
      unsubscribe();
    },
  };
}

function toRule(record: AppRecord): AppRule {
  return {
    app: record.app,
    models: record.models,
    defaultModel: record.defaultModel,
    rpmLimit: record.rpmLimit,
    tpmLimit: record.tpmLimit,
    hasBudget: record.maxBudgetMicros !== null,
    allowed: record.allowed,
  };
}
