// GET /usage/summary, /usage/timeline and /spend/logs take app=NAME (exact match) with one meaning:
// the usage recorded under that app name, alone or with the key, team and user filters (AND), on
// every grouping; the rows /spend/logs returns and summaries grouped by app carry the app.
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

async function world() {
  gateway = await startManagementGateway();
  const a = gateway.keys.create({ key_alias: 'a' }).record.id;
  const ledger = createUsageLedger(gateway.db.db, { clock: gateway.clock, log: gateway.db.log });
  ledger.record(usageRecord({ ts: D0 + HOUR, keyId: null, app: 'sync_notes', costMicros: 1 }));
  ledger.record(usageRecord({ ts: D0 + 2 * HOUR, keyId: null, app: 'sync_notes', costMicros: 10 }));
  // A day later than the range's whole days: read from the hourly rollups and raw rows too.
  ledger.record(usageRecord({ ts: D0 + 26 * HOUR + 5, keyId: null, app: 'sync_notes', costMicros: 100 }));
  ledger.record(usageRecord({ ts: D0 + 3 * HOUR, keyId: null, app: 'sync_notes_2', costMicros: 1_000 }));
  ledger.record(usageRecord({ ts: D0 + 3 * HOUR, keyId: a, app: 'sync_notes', costMicros: 10_000 }));
  ledger.close();
  return { a };
}

const range = `start=${D0}&end=${D0 + 27 * HOUR}`;

describe('the app filter on the usage routes', () => {
  it('narrows the summary to one app exactly, with every grouping, and combines with key_id', async () => {
    const { a } = await world();
    const spend = async (filter: string, groupBy = 'app') => {
      const response = await gateway!.send('GET', `/usage/summary?group_by=${groupBy}&${range}&${filter}`);
      expect(response.statusCode, filter).toBe(200);
      return response.json().totals.spend_micros as number;
    };
    expect(await spend('')).toBe(11_111);
    expect(await spend('app=sync_notes')).toBe(10_111);
    expect(await spend('app=sync_notes_2')).toBe(1_000);
    expect(await spend('app=sync')).toBe(0);
    expect(await spend(`app=sync_notes&key_id=${a}`)).toBe(10_000);
    for (const groupBy of ['app', 'model', 'provider', 'day', 'key', 'team', 'user']) expect(await spend('app=sync_notes', groupBy), groupBy).toBe(10_111);
    const byApp = (await gateway!.send('GET', `/usage/summary?group_by=app&${range}&app=sync_notes`)).json();
    expect(byApp.groups.map((g: { group: string }) => g.group)).toEqual(['sync_notes']);
  });

  it('narrows the timeline and /spend/logs the same way, rows carrying the app', async () => {
    await world();
    const timeline = (await gateway!.send('GET', `/usage/timeline?bucket=hour&${range}&app=sync_notes_2`)).json();
    expect(timeline.apps).toEqual(['sync_notes_2']);
    const logs = (await gateway!.send('GET', '/spend/logs?app=sync_notes&page_size=50')).json();
    expect(logs.data.map((row: { app: string }) => row.app)).toEqual(['sync_notes', 'sync_notes', 'sync_notes', 'sync_notes']);
    expect(logs.total).toBe(4);
    const page = (await gateway!.send('GET', '/spend/logs?app=sync_notes_2&cursor=')).json();
    expect(page.data).toHaveLength(1);
  });
});
