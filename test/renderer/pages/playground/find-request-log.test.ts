import { describe, expect, it } from 'vitest';
import { findRequestLog } from '../../../../renderer/src/pages/playground/find-request-log.js';
import { sampleLog } from '../../fake-api.js';

describe('findRequestLog', () => {
  it('finds the row by request id, asking again while the gateway has not written it yet', async () => {
    let calls = 0;
    const api = {
      spendLogs: async () => {
        calls++;
        const data = calls < 3 ? [sampleLog({ request_id: 'other' })] : [sampleLog({ request_id: 'other' }), sampleLog({ request_id: 'mine', spend_micros: 65 })];
        return { data, total: data.length, page: 1, page_size: 100, total_pages: 1 };
      },
    };
    const row = await findRequestLog(api, 'mine', Date.now(), { pause: async () => undefined });
    expect(row?.spend_micros).toBe(65);
    expect(calls).toBe(3);
  });

  it('gives up with null after its attempts', async () => {
    let calls = 0;
    const api = { spendLogs: async () => (calls++, { data: [], total: 0, page: 1, page_size: 100, total_pages: 0 }) };
    expect(await findRequestLog(api, 'mine', Date.now(), { attempts: 2, pause: async () => undefined })).toBeNull();
    expect(calls).toBe(2);
  });
});
