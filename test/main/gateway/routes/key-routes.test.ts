// /key/* bodies over app.inject against a real SQLite file: validated by the same zod contract
// the dashboard uses (shared/api/key-schemas.ts), so the server and the dashboard cannot disagree
// (the server took a 256-character alias, the dashboard's schema 128), and a key whose expiry is
// already past is refused instead of being created dead.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startManagementGateway, type ManagementGateway } from '../../../support/management-gateway.js';
import { keyFieldsSchema, MAX_KEY_ALIAS_LENGTH } from '../../../../shared/api/key-schemas.js';

let gateway: ManagementGateway;
beforeEach(async () => {
  gateway = await startManagementGateway();
});
afterEach(() => gateway.dispose());

const badRequest = (res: { statusCode: number; json(): any }, param: string | null) => {
  expect(res.statusCode).toBe(400);
  expect(res.json().error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_request', param });
};

describe('key routes', () => {
  it('holds key_alias to the shared contract\'s length on generate and update, as the dashboard does', async () => {
    const longest = 'a'.repeat(MAX_KEY_ALIAS_LENGTH);
    const tooLong = `${longest}b`;
    expect(keyFieldsSchema.safeParse({ key_alias: tooLong }).success).toBe(false);
    badRequest(await gateway.send('POST', '/key/generate', { body: { key_alias: tooLong } }), 'key_alias');
    const created = await gateway.send('POST', '/key/generate', { body: { key_alias: longest } });
    expect(created.statusCode).toBe(200);
    badRequest(await gateway.send('POST', '/key/update', { body: { key: created.json().key_id, key_alias: tooLong } }), 'key_alias');
    expect(gateway.keys.list().keys.map((k) => k.keyAlias)).toEqual([longest]);
  });

  it.each([
    ['/key/generate', { key_alias: 'app', organization_id: 'org-1' }],
    ['/key/update', { key: 'KEY', budget_id: 'someone' }],
    ['/key/block', { key: 'KEY', reason: 'x' }],
    ['/key/unblock', { key: 'KEY', reason: 'x' }],
    ['/key/regenerate', { key: 'KEY', max_budget: 5 }],
    ['/key/delete', { keys: ['KEY'], force: true }],
  ])('refuses a field %s does not have, naming it, and changes nothing', async (url, body) => {
    const { record } = gateway.keys.create({ key_alias: 'existing' });
    const before = gateway.keys.list();
    const res = await gateway.send('POST', url, { body: JSON.parse(JSON.stringify(body).replace('KEY', record.id)) });
    badRequest(res, null);
    expect(res.json().error.message).toMatch(/unknown field/);
    expect(gateway.keys.list()).toEqual(before);
  });

  it.each([
    ['/key/block', {}, 'key'],
    ['/key/block', { key: '' }, 'key'],
    ['/key/regenerate', { key: 'k'.repeat(513) }, 'key'],
    ['/key/delete', { keys: ['a', 2] }, 'keys.1'],
    ['/key/generate', { models: ['m', ''] }, 'models.1'],
  ])('refuses %s with %j: 400 naming %s', async (url, body, param) => {
    badRequest(await gateway.send('POST', url, { body }), param);
  });

  it('still creates a key from an empty request (every field is optional)', async () => {
    const res = await gateway.send('POST', '/key/generate');
    expect(res.statusCode).toBe(200);
    expect(res.json().key).toMatch(/^sk-/);
  });

  describe('expiry', () => {
    const now = () => new Date(gateway.clock.now());
    const iso = (offsetMs: number) => new Date(gateway.clock.now() + offsetMs).toISOString();

    it.each([
      ['a date in the past', -24 * 3600_000],
      ['this very instant', 0],
    ])('refuses a new key that expires at %s: 400 naming expires, nothing created', async (_name, offset) => {
      const res = await gateway.send('POST', '/key/generate', { body: { key_alias: 'dead-on-arrival', expires: iso(offset) } });
      badRequest(res, 'expires');
      expect(res.json().error.message).toContain('past');
      expect(gateway.keys.list().total).toBe(0);
    });

    it('refuses an update that moves the expiry into the past, and keeps the old one', async () => {
      const created = (await gateway.send('POST', '/key/generate', { body: { duration: '7d' } })).json();
      const res = await gateway.send('POST', '/key/update', { body: { key: created.key_id, expires: iso(-1) } });
      badRequest(res, 'expires');
      expect(gateway.keys.info(created.key_id)?.expiresAt).toBe(Date.parse(created.expires));
    });

    it('accepts an expiry in the future, a duration, and null (never)', async () => {
      const future = await gateway.send('POST', '/key/generate', { body: { expires: iso(60_000) } });
      expect(future.statusCode).toBe(200);
      expect(Date.parse(future.json().expires)).toBeGreaterThan(now().getTime());
      const created = (await gateway.send('POST', '/key/generate', { body: { duration: '1h' } })).json();
      const cleared = await gateway.send('POST', '/key/update', { body: { key: created.key_id, expires: null } });
      expect(cleared.json().expires).toBeNull();
    });
  });
});
