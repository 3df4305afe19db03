import { afterEach, describe, expect, it } from 'vitest';
import { createUsageLedger } from '../../../../main/metering/usage-ledger.js';
import { startManagementGateway, type ManagementGateway } from '../../../support/management-gateway.js';
import { usageRecord } from '../../metering/usage-test-kit.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const D0 = Date.UTC(2026, 2, 15);

let gateway: ManagementGateway | undefined;
afterEach(async () => {
  await gateway?.dispose();
  gateway = undefined;
});

describe('GET /usage/timeline', () => {
  it('answers usage per app per hour for the admin, and refuses everyone else', async () => {
    gateway = await startManagementGateway();
    const ledger = createUsageLedger(gateway.db.db, { clock: gateway.clock, log: gateway.db.log });
    ledger.record(usageRecord({ ts: D0 + 2 * HOUR + 5, app: 'notes-app', costMicros: 4_200 }));
    ledger.record(usageRecord({ ts: D0 + 3 * HOUR + 5, app: 'zed', costMicros: 0 }));
    ledger.close();
    const response = await gateway.send('GET', `/usage/timeline?bucket=hour&start=${D0}&end=${D0 + 4 * HOUR}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      bucket: 'hour',
      buckets: [D0, D0 + HOUR, D0 + 2 * HOUR, D0 + 3 * HOUR],
      apps: ['notes-app', 'zed'],
      points: [
        { bucket_start: D0 + 2 * HOUR, app: 'notes-app', requests: 1, spend_micros: 4_200 },
        { bucket_start: D0 + 3 * HOUR, app: 'zed', requests: 1, spend_micros: 0 },
      ],
    });
    expect((await gateway.send('GET', '/usage/timeline', { key: null })).statusCode).toBe(401);
  });

  it.each([
    ['bucket=week', 'bucket'],
    ['bucket=day&start=yesterday', 'start'],
    [`bucket=day&start=${D0 + DAY}&end=${D0}`, 'start'],
    [`bucket=hour&start=${D0}&end=${D0 + 40 * DAY}`, 'start'],
  ])('refuses %s with a 400 naming %s, in the OpenAI error shape', async (query, param) => {
    gateway = await startManagementGateway();
    const response = await gateway.send('GET', `/usage/timeline?${query}`);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { type: 'invalid_request_error', param } });
  });
});

describe('GET /model/info priced', () => {
  it('says whether each deployment costs money when the server is told', async () => {
    gateway = await startManagementGateway({ priced: (deployment) => deployment.modelName !== 'm' });
    const entry = (await gateway.send('GET', '/model/info')).json().data[0];
    expect(entry.model_info.priced).toBe(false);
  });
});
