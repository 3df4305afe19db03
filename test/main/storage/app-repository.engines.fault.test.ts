// The app repository (migration 18) on both engines from one definition: rules set before and after
// an app is first seen, partial updates and clears, markSeen announcing a name once across
// connections (a restart, another replica), and clearRule keeping the seen history.
import { describe, expect, it } from 'vitest';
import { createAppRepository, hasRule } from '../../../main/apps/app-repository.js';
import { TeamError } from '../../../main/keys/team-error.js';
import { ENGINES, useStorageEngines } from './storage-engines-kit.js';

const engines = useStorageEngines();

describe.each(ENGINES)('createAppRepository on %s', (engine) => {
  it('creates a rule for an app never seen, updates only the fields given, and null clears one', async () => {
    const database = await engines.open(engine);
    const apps = createAppRepository(database.connection, database.clock);
    expect(await apps.info('sync_notes')).toBeNull();
    const created = await apps.update('sync_notes', { max_budget: 1.5, budget_duration: '30d', rpm_limit: 10, models: ['gpt-4o', 'gpt-4o'], allowed: true });
    expect(created).toMatchObject({
      app: 'sync_notes', firstSeen: null, lastSeen: null, maxBudgetMicros: 1_500_000, budgetDuration: '30d', spendMicros: 0,
      rpmLimit: 10, tpmLimit: null, models: ['gpt-4o'], defaultModel: null, allowed: true,
    });
    expect(created.budgetResetAt).toBeGreaterThan(database.clock.now());
    expect(hasRule(created)).toBe(true);

    database.clock.advance(1000);
    const updated = await apps.update('sync_notes', { tpm_limit: 5000, rpm_limit: null, default_model: 'local' });
    expect(updated).toMatchObject({ maxBudgetMicros: 1_500_000, rpmLimit: null, tpmLimit: 5000, defaultModel: 'local', allowed: true, updatedAt: database.clock.now() });
    expect(await apps.rules()).toHaveLength(1);
  });

  it('refuses bad rule values by field and writes nothing', async () => {
    const database = await engines.open(engine);
    const apps = createAppRepository(database.connection, database.clock);
    const refusal = async (fields: Parameters<typeof apps.update>[1]) => {
      try {
        await apps.update('x', fields);
      } catch (error) {
        return error instanceof TeamError ? error.param : error;
      }
      return 'no refusal';
    };
    expect(await refusal({ budget_duration: '30 days' })).toBe('budget_duration');
    expect(await refusal({ max_budget: -1 })).toBe('max_budget');
    expect(await refusal({ rpm_limit: 1.5 })).toBe('rpm_limit');
    expect(await refusal({ allowed: 'yes' as unknown as boolean })).toBe('allowed');
    expect(await apps.info('x')).toBeNull();
  });

  it('marks a name seen once, across connections, and a rule row set earlier becomes seen', async () => {
    const database = await engines.open(engine);
    const apps = createAppRepository(database.connection, database.clock);
    const seen: string[] = [];
    apps.onChange((change) => {
      if (change.type === 'seen') seen.push(change.app);
    });
    await apps.update('later', { rpm_limit: 3 });
    expect(await apps.markSeen('sync_notes')).toBe(true);
    expect(await apps.markSeen('sync_notes')).toBe(false);
    expect(await apps.markSeen('later')).toBe(true);
    const other = createAppRepository(await database.reconnect(), database.clock);
    expect(await other.markSeen('sync_notes')).toBe(false);
    expect(await other.seenNames()).toEqual(['later', 'sync_notes']);
    expect(seen).toEqual(['sync_notes', 'later']);
    expect((await apps.info('later'))).toMatchObject({ firstSeen: database.clock.now(), lastSeen: database.clock.now(), rpmLimit: 3 });
    // Seen without a rule: listed, not among the rules.
    expect((await apps.list()).map((a) => a.app)).toEqual(['later', 'sync_notes']);
    expect((await apps.rules()).map((a) => a.app)).toEqual(['later']);
  });

  it('clears a seen app\'s rule but keeps its history; deletes a rule row never seen', async () => {
    const database = await engines.open(engine);
    const apps = createAppRepository(database.connection, database.clock);
    await apps.markSeen('seen_app');
    await apps.update('seen_app', { max_budget: 2, models: ['a'], allowed: true });
    await apps.update('ghost', { max_budget: 2 });
    const cleared = await apps.clearRule('seen_app');
    expect(cleared).toMatchObject({ app: 'seen_app', maxBudgetMicros: null, models: [], allowed: false, firstSeen: expect.any(Number) });
    expect(hasRule(cleared!)).toBe(false);
    expect(await apps.clearRule('ghost')).toBeNull();
    expect(await apps.info('ghost')).toBeNull();
    expect(await apps.clearRule('never')).toBeNull();
  });
});
