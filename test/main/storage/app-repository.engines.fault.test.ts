// The app repository (migration 18) on both engines from one definition: rules set before and after
// an app is first seen, partial updates and clears, markSeen announcing a name once across
// connections (a restart, another replica), clearRule keeping the seen history, and a backup's
// restore (replaceRules) replacing every rule at once or, on a bad entry, none.
import { describe, expect, it, vi } from 'vitest';
import { createAppRepository, hasRule, type AppChange } from '../../../main/apps/app-repository.js';
import { createAppRules } from '../../../main/apps/app-rules.js';
import { sql } from '../../../main/storage/sql-statement.js';
import { bindUnit } from '../../../main/storage/storage-connection.js';
import { get, readUnit, run, writeUnit } from '../../../main/storage/storage-unit.js';
import type { BackupApp } from '../../../shared/api/backup-schemas.js';
import { silentLog } from '../../support/silent-log.js';
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

  const backupApp = (app: string, fields: Partial<BackupApp> = {}): BackupApp => ({
    app, max_budget_micros: null, budget_duration: null, budget_reset_at: null, spend_micros: 0, rpm_limit: null, tpm_limit: null,
    models: [], default_model: null, allowed: false, first_seen: null, last_seen: null, updated_at: 1, ...fields,
  });
  const appsVersion = readUnit(function* () {
    return Number((yield* get<{ version: number | string }>(sql("SELECT version FROM change_versions WHERE topic = 'apps'")))!.version);
  });

  it('replaceRules puts a backup\'s rules in place of all of them, keeps seen history and reservations, and bumps the apps topic', async () => {
    const database = await engines.open(engine);
    const apps = createAppRepository(database.connection, database.clock);
    await apps.markSeen('seen_app');
    await apps.update('seen_app', { max_budget: 2, budget_duration: '30d', models: ['a'] });
    await apps.update('ghost', { allowed: true });
    await apps.markSeen('restored');
    // A request of this run still holds part of seen_app's budget: its release must find it.
    await bindUnit(database.connection, writeUnit(function* () {
      yield* run(sql("UPDATE apps SET reserved_micros = 500 WHERE app = 'seen_app'"));
    }))();
    const rules = createAppRules({ store: apps, log: silentLog });
    await rules.load();
    const firstSeen = database.clock.now();
    const changes: AppChange[] = [];
    apps.onChange((change) => changes.push(change));
    const version = await bindUnit(database.connection, appsVersion)();
    database.clock.advance(5000);

    const written = await apps.replaceRules([
      backupApp('restored', { max_budget_micros: 3_000_000, budget_duration: '1d', budget_reset_at: 99_000, spend_micros: 1_250_000, rpm_limit: 7, tpm_limit: 900, models: ['m', 'n'], default_model: 'm', allowed: true, first_seen: firstSeen - 1000, last_seen: firstSeen + 999_999, updated_at: 42 }),
      backupApp('new_app', { rpm_limit: 1, first_seen: 10, last_seen: 20 }),
    ]);
    expect(written).toBe(2);
    // Nothing announced until the caller says its transaction ended.
    expect(changes).toEqual([]);
    expect((await apps.rules()).map((a) => a.app)).toEqual(['new_app', 'restored']);
    expect(await apps.info('restored')).toEqual({
      app: 'restored', firstSeen: firstSeen - 1000, lastSeen: firstSeen + 999_999, maxBudgetMicros: 3_000_000, budgetDuration: '1d', budgetResetAt: 99_000,
      spendMicros: 1_250_000, reservedMicros: 0, rpmLimit: 7, tpmLimit: 900, models: ['m', 'n'], defaultModel: 'm', allowed: true, updatedAt: 42,
    });
    expect(await apps.info('new_app')).toMatchObject({ firstSeen: 10, lastSeen: 20, rpmLimit: 1 });
    // Seen here: no rule now, its history stays; never seen: gone.
    expect(await apps.info('seen_app')).toMatchObject({ maxBudgetMicros: null, budgetDuration: null, spendMicros: 0, reservedMicros: 500, models: [], firstSeen });
    expect(await apps.info('ghost')).toBeNull();
    if (engine === 'postgresql') expect(await bindUnit(database.connection, appsVersion)()).toBeGreaterThan(version);

    expect(rules.rule('restored')).toBeUndefined();
    apps.rulesReplaced();
    expect(changes).toEqual([{ type: 'replaced', app: '' }]);
    // The rules cache re-reads them all (at once on SQLite, a moment later on PostgreSQL).
    await vi.waitFor(() => expect(rules.rule('restored')).toMatchObject({ rpmLimit: 7, defaultModel: 'm', allowed: true, hasBudget: true }));
    expect(rules.rule('seen_app')).toBeUndefined();
    expect(rules.rule('ghost')).toBeUndefined();
  });

  it('replaceRules with a bad entry after good ones changes nothing, on either engine', async () => {
    const database = await engines.open(engine);
    const apps = createAppRepository(database.connection, database.clock);
    await apps.markSeen('seen_app');
    await apps.update('seen_app', { rpm_limit: 4 });
    await apps.update('ghost', { allowed: true });
    const before = await apps.list();
    let refused: unknown = null;
    try {
      await apps.replaceRules([backupApp('fine', { allowed: true }), backupApp('x'.repeat(300), { allowed: true })]);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(TeamError);
    expect(await apps.list()).toEqual(before);
  });
});
