// GET /usage/summary and /usage/timeline take the filters /spend/logs takes, with the same names and
// meaning: key_id (or LiteLLM's api_key), team_id, user_id, combined with AND; the usage of the keys
// a team or user owns now. An unknown team is an empty answer, not an error.
import { afterEach, describe, expect, it } from 'vitest';
import { createUsageLedger } from '../../../../main/metering/usage-ledger.js';
import { startManagementGateway, type ManagementGateway } from '../../../support/management-gateway.js';
import { usageRecord } from '../../metering/usage-test-kit.js';

const HOUR = 3_600_000;
const D0 = Date.UTC(2026, 2, 15);

let gateway: ManagementGateway | undefined;
afterEach(async () => {
  await gateway?.dispose();
  gateway = undefined;
});

/** Team t1 owns a (user u1) and b (user u2); c belongs to u1 alone; the master key spends too. */
async function world() {
  gateway = await startManagementGateway();
  for (const user_id of ['u1', 'u2']) gateway.users.create({ user_id, user_role: 'internal_user' });
  gateway.teams.create({ team_id: 't1', team_alias: 'research' });
  const a = gateway.keys.create({ key_alias: 'a', user_id: 'u1', team_id: 't1' }).record.id;
  const b = gateway.keys.create({ key_alias: 'b', user_id: 'u2', team_id: 't1' }).record.id;
  const c = gateway.keys.create({ key_alias: 'c', user_id: 'u1' }).record.id;
  const ledger = createUsageLedger(gateway.db.db, { clock: gateway.clock, log: gateway.db.log });
  ledger.record(usageRecord({ ts: D0 + HOUR, keyId: a, app: 'cursor', costMicros: 1 }));
  ledger.record(usageRecord({ ts: D0 + 2 * HOUR, keyId: b, app: 'zed', costMicros: 10 }));
  ledger.record(usageRecord({ ts: D0 + 3 * HOUR, keyId: c, app: 'curl', costMicros: 100 }));
  ledger.record(usageRecord({ ts: D0 + 3 * HOUR, keyId: null, app: 'curl', costMicros: 1_000 }));
  ledger.close();
  return { a, b, c };
}

const range = `start=${D0}&end=${D0 + 4 * HOUR}`;

describe('GET /usage/summary and /usage/timeline filters', () => {
  it('narrow the summary to a key, a team or a user, alone or together, with every grouping', async () => {
    const { a, b, c } = await world();
    const spend = async (filter: string, groupBy = 'app') => {
      const response = await gateway!.send('GET', `/usage/summary?group_by=${groupBy}&${range}&${filter}`);
      expect(response.statusCode, filter).toBe(200);
      return response.json().totals.spend_micros as number;
    };
    expect(await spend('')).toBe(1_111);
    expect(await spend(`key_id=${b}`)).toBe(10);
    expect(await spend(`api_key=${c}`)).toBe(100);
    expect(await spend('team_id=t1')).toBe(11);
    expect(await spend('user_id=u1')).toBe(101);
    expect(await spend('team_id=t1&user_id=u1')).toBe(1);
    expect(await spend(`team_id=t1&key_id=${c}`)).toBe(0);
    for (const groupBy of ['app', 'model', 'provider', 'day', 'key', 'team', 'user']) expect(await spend('user_id=u1', groupBy), groupBy).toBe(101);
    const byKey = (await gateway!.send('GET', `/usage/summary?group_by=key&${range}&team_id=t1`)).json();
    expect(byKey.groups.map((g: { group: string; label: string }) => [g.group, g.label])).toEqual([[b, 'b'], [a, 'a']]);
  });

  it('narrow the timeline the same way', async () => {
    const { c } = await world();
    const apps = async (filter: string) => (await gateway!.send('GET', `/usage/timeline?bucket=hour&${range}&${filter}`)).json().apps as string[];
    expect(await apps('')).toEqual(['curl', 'cursor', 'zed']);
    expect(await apps('team_id=t1')).toEqual(['cursor', 'zed']);
    expect(await apps(`key_id=${c}`)).toEqual(['curl']);
    expect(await apps('user_id=u2')).toEqual(['zed']);
  });

  it('answers an unknown team or user with empty groups, not an error', async () => {
    await world();
    const summary = await gateway!.send('GET', `/usage/summary?group_by=team&${range}&team_id=no-such-team`);
    expect(summary.statusCode).toBe(200);
    expect(summary.json()).toMatchObject({ groups: [], totals: { requests: 0 } });
    const timeline = await gateway!.send('GET', `/usage/timeline?bucket=day&${range}&user_id=no-such-user`);
    expect(timeline.statusCode).toBe(200);
    expect(timeline.json().points).toEqual([]);
  });
});
