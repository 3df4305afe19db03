// The apps as admission sees them (createAppRules) on a real SQLite file: rules in memory after
// load, a rule change applied when it commits (no reload needed before the next request), a new
// name recorded and announced once (not after a restart), a failed record retried by the next
// request, and a listener that throws never failing admission.
import { afterEach, describe, expect, it } from 'vitest';
import { createAppRepository, type AppRepository } from '../../../main/apps/app-repository.js';
import { createAppRules } from '../../../main/apps/app-rules.js';
import { openTempDatabase, type TempDatabase } from '../storage/storage-test-kit.js';
import { silentLog } from '../../support/silent-log.js';

let opened: TempDatabase | null = null;
afterEach(() => {
  opened?.dispose();
  opened = null;
});

function setUp(): { apps: AppRepository; db: TempDatabase } {
  opened = openTempDatabase();
  return { apps: createAppRepository(opened.db, opened.clock), db: opened };
}

describe('createAppRules', () => {
  it('answers the rules read at load, and applies a change as it commits', () => {
    const { apps } = setUp();
    apps.update('limited', { rpm_limit: 3, models: ['m'] });
    apps.markSeen('plain');
    const rules = createAppRules({ store: apps, log: silentLog });
    rules.load();
    expect(rules.rule('limited')).toEqual({ app: 'limited', models: ['m'], defaultModel: null, rpmLimit: 3, tpmLimit: null, hasBudget: false, allowed: false });
    expect(rules.rule('plain')).toBeUndefined();
    expect(rules.hasDefaultModels()).toBe(false);
    apps.update('plain', { default_model: 'm', max_budget: 1 });
    expect(rules.rule('plain')).toMatchObject({ defaultModel: 'm', hasBudget: true });
    expect(rules.hasDefaultModels()).toBe(true);
    apps.clearRule('plain');
    expect(rules.rule('plain')).toBeUndefined();
    expect(rules.hasDefaultModels()).toBe(false);
    rules.dispose();
  });

  it('records a new name once and announces it once, also across a restart', () => {
    const { apps } = setUp();
    const announced: string[] = [];
    const rules = createAppRules({ store: apps, log: silentLog, onNewApp: (app) => announced.push(app) });
    rules.load();
    for (const app of ['a', 'b', 'a', 'a', 'b']) rules.admit(app);
    expect(announced).toEqual(['a', 'b']);
    expect(apps.seenNames()).toEqual(['a', 'b']);
    const restarted = createAppRules({ store: apps, log: silentLog, onNewApp: (app) => announced.push(app) });
    restarted.load();
    for (const app of ['a', 'b', 'c']) restarted.admit(app);
    expect(announced).toEqual(['a', 'b', 'c']);
  });

  it('retries a name whose record failed, and survives a listener that throws', () => {
    const { apps } = setUp();
    let failing = true;
    const store = { ...apps, markSeen: (app: string) => {
      if (failing) throw new Error('database is locked');
      return apps.markSeen(app);
    } };
    const announced: string[] = [];
    const rules = createAppRules({ store, log: silentLog, onNewApp: (app) => {
      announced.push(app);
      throw new Error('notifier down');
    } });
    rules.load();
    expect(rules.admit('a')).toBeUndefined();
    expect(apps.seenNames()).toEqual([]);
    failing = false;
    expect(() => rules.admit('a')).not.toThrow();
    expect(apps.seenNames()).toEqual(['a']);
    expect(announced).toEqual(['a']);
  });
});
