// /app/* over app.inject against a real SQLite file: the AppDescription shape (ISO dates, USD,
// has_rule, today's requests and spend from the usage rollups), /app/update creating a rule for an
// app never seen and clearing a field with null, unknown fields and unserved models refused by
// name, 404 for an unknown app in the management error shape, /app/delete keeping seen history,
// and admin only.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUsageLedger } from '../../../../main/metering/usage-ledger.js';
import { startManagementGateway, type ManagementGateway } from '../../../support/management-gateway.js';
import { usageRecord } from '../../metering/usage-test-kit.js';

let gateway: ManagementGateway;
beforeEach(async () => {
  gateway = await startManagementGateway();
});
afterEach(() => gateway.dispose());

const ok = (res: { statusCode: number; body: string }) => {
  expect(res.statusCode, res.body).toBe(200);
  return JSON.parse(res.body);
};

describe('app routes', () => {
  it('sets a rule on an app never seen, answers the AppDescription, and null clears a field', async () => {
    const created = ok(await gateway.send('POST', '/app/update', { body: {
      app: 'sync_notes', max_budget: 2.5, budget_duration: '30d', rpm_limit: 10, tpm_limit: 1000, models: ['m'], default_model: 'm', allowed: true,
    } }));
    expect(created).toEqual({
      app: 'sync_notes', first_seen: null, last_seen: null, spend: 0, max_budget: 2.5, budget_duration: '30d',
      budget_reset_at: new Date(gateway.clock.now() + 30 * 86_400_000).toISOString(), rpm_limit: 10, tpm_limit: 1000,
      models: ['m'], default_model: 'm', allowed: true, has_rule: true, requests_today: 0, spend_today: 0,
    });
    const cleared = ok(await gateway.send('POST', '/app/update', { body: { app: 'sync_notes', max_budget: null, budget_duration: null, rpm_limit: null } }));
    expect(cleared).toMatchObject({ max_budget: null, budget_duration: null, budget_reset_at: null, rpm_limit: null, tpm_limit: 1000, allowed: true });
    expect(ok(await gateway.send('GET', '/app/info?app=sync_notes'))).toEqual(cleared);
  });

  it('lists every app seen or ruled, with today\'s requests and spend from the usage rollups', async () => {
    const now = gateway.clock.now();
    const day = Math.floor(now / 86_400_000) * 86_400_000;
    gateway.apps.markSeen('sync_notes');
    gateway.apps.markSeen('curl');
    gateway.apps.update('planned', { rpm_limit: 1 });
    const ledger = createUsageLedger(gateway.db.db, { clock: gateway.clock, log: gateway.db.log });
    ledger.record(usageRecord({ ts: now + 1_000, keyId: null, app: 'sync_notes', costMicros: 250_000 }));
    ledger.record(usageRecord({ ts: now + 2_000, keyId: null, app: 'sync_notes', costMicros: 250_000 }));
    ledger.record(usageRecord({ ts: day - 1, keyId: null, app: 'curl', costMicros: 7 }));
    ledger.close();
    gateway.clock.advance(5_000);
    const list = ok(await gateway.send('GET', '/app/list'));
    expect(list.map((a: { app: string }) => a.app)).toEqual(['curl', 'planned', 'sync_notes']);
    const notes = list.find((a: { app: string }) => a.app === 'sync_notes');
    expect(notes).toMatchObject({ requests_today: 2, spend_today: 0.5, has_rule: false, allowed: false, first_seen: new Date(now).toISOString() });
    // Spend in the budget period is charged with the usage batch, like a key's.
    expect(notes.spend).toBe(0.5);
    expect(notes.last_seen).toBe(new Date(now + 2_000).toISOString());
    expect(list.find((a: { app: string }) => a.app === 'curl')).toMatchObject({ requests_today: 0, spend_today: 0 });
    expect(list.find((a: { app: string }) => a.app === 'planned')).toMatchObject({ has_rule: true, first_seen: null, rpm_limit: 1 });
  });

  it('refuses unknown fields, bad values and unserved models by name, and changes nothing', async () => {
    const refused = async (body: unknown) => {
      const res = await gateway.send('POST', '/app/update', { body });
      expect(res.statusCode, res.body).toBe(400);
      return res.json().error as { param: string | null; code: string; message: string };
    };
    expect((await refused({ app: 'x', team_id: 't' })).message).toContain('team_id');
    expect((await refused({ app: 'x', rpm_limit: -1 })).param).toBe('rpm_limit');
    expect((await refused({ app: 'x', budget_duration: 'monthly' })).param).toBe('budget_duration');
    expect((await refused({ app: 'x', models: ['nope'] })).param).toBe('models.0');
    expect((await refused({ app: 'x', default_model: 'nope' })).param).toBe('default_model');
    expect((await refused({ app: '' })).param).toBe('app');
    expect((await refused({ max_budget: 1 })).param).toBe('app');
    expect(gateway.apps.info('x')).toBeNull();
    // A pattern matching a served model and the active alias are accepted.
    ok(await gateway.send('POST', '/app/update', { body: { app: 'x', models: ['*', 'switchboard/active'], default_model: 'm' } }));
  });

  it('answers 404 in the management error shape for an unknown app, 400 without ?app=', async () => {
    const missing = await gateway.send('GET', '/app/info?app=nobody');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'not_found', type: 'invalid_request_error', param: 'app' } });
    expect((await gateway.send('GET', '/app/info')).statusCode).toBe(400);
  });

  it('delete clears a seen app\'s rule and keeps its history; a rule for an app never seen goes entirely', async () => {
    gateway.apps.markSeen('seen');
    ok(await gateway.send('POST', '/app/update', { body: { app: 'seen', max_budget: 1, allowed: true } }));
    ok(await gateway.send('POST', '/app/update', { body: { app: 'ghost', rpm_limit: 1 } }));
    const kept = ok(await gateway.send('POST', '/app/delete', { body: { app: 'seen' } }));
    expect(kept).toMatchObject({ app: 'seen', deleted: true, app_info: { has_rule: false, max_budget: null, allowed: false, first_seen: expect.any(String) } });
    expect(ok(await gateway.send('POST', '/app/delete', { body: { app: 'ghost' } }))).toEqual({ app: 'ghost', deleted: true, app_info: null });
    expect((await gateway.send('GET', '/app/info?app=ghost')).statusCode).toBe(404);
    expect((await gateway.send('POST', '/app/delete', { body: { app: 'seen', extra: 1 } })).statusCode).toBe(400);
  });

  it('is admin only: no key 401, a virtual key 403', async () => {
    const key = gateway.keys.create({ key_alias: 'someone' }).key;
    for (const [method, url, body] of [['GET', '/app/list', undefined], ['GET', '/app/info?app=x', undefined], ['POST', '/app/update', { app: 'x', allowed: true }], ['POST', '/app/delete', { app: 'x' }]] as const) {
      expect((await gateway.send(method, url, { key: null, body })).statusCode, url).toBe(401);
      const res = await gateway.send(method, url, { key, body });
      expect(res.statusCode, url).toBe(403);
      expect(res.json().error.code).toBe('admin_only');
    }
    expect(gateway.apps.info('x')).toBeNull();
  });
});
