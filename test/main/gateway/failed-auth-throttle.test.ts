// Throttled admin logins over app.inject, on a clock the test moves: a wrong key presented again
// and again (the dashboard's sign-in checks the admin key with GET /settings) gets 429 with
// Retry-After after ten tries, in the route's own error shape; the wait doubles up to a cap and
// ends, so nobody is locked out for good; apps with valid keys keep working meanwhile; only the
// address that failed waits.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MANAGEMENT_MASTER_KEY, startManagementGateway, type ManagementGateway } from '../../support/management-gateway.js';
import { createFailedAuthThrottle } from '../../../main/gateway/plugins/failed-auth-throttle.js';

let gateway: ManagementGateway;
beforeEach(async () => {
  gateway = await startManagementGateway();
});
afterEach(() => gateway.dispose());

const WRONG = 'sk-wrong-guess-0123456789';
const signIn = (key: string, remoteAddress?: string) =>
  gateway.app.inject({ method: 'GET', url: '/settings', headers: { host: '127.0.0.1:4141', authorization: `Bearer ${key}` }, ...(remoteAddress ? { remoteAddress } : {}) });

async function failTimes(n: number, remoteAddress?: string): Promise<void> {
  for (let i = 0; i < n; i++) expect((await signIn(`${WRONG}-${i}`, remoteAddress)).statusCode).toBe(401);
}

describe('failed authentication throttle', () => {
  it('answers 401 to ten wrong keys, then 429 with Retry-After to the next try, the right key included', async () => {
    await failTimes(10);
    const res = await signIn(MANAGEMENT_MASTER_KEY);
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json().error).toMatchObject({ type: 'rate_limit_error', code: 'auth_throttled', param: null });
    expect(res.json().error.message).toMatch(/try again in 1 s/);
    expect(res.body).not.toContain(MANAGEMENT_MASTER_KEY);
  });

  it('lets the admin in once the wait is over, and a success forgets the failures', async () => {
    await failTimes(10);
    gateway.clock.advance(1_000);
    expect((await signIn(MANAGEMENT_MASTER_KEY)).statusCode).toBe(200);
    await failTimes(10);
  });

  it('doubles the wait with each further failure, up to five minutes, never for good', async () => {
    await failTimes(10);
    const waits: number[] = [];
    for (let i = 0; i < 12; i++) {
      const locked = await signIn(WRONG);
      waits.push(Number(locked.headers['retry-after']));
      gateway.clock.advance(waits.at(-1)! * 1_000);
      expect((await signIn(`${WRONG}-again-${i}`)).statusCode).toBe(401);
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]);
    gateway.clock.advance(300_000);
    expect((await signIn(MANAGEMENT_MASTER_KEY)).statusCode).toBe(200);
  });

  it('does not count the same wrong key again: an app retrying a stale key never makes the admin wait', async () => {
    for (let i = 0; i < 50; i++) expect((await signIn(WRONG)).statusCode).toBe(401);
    // The stale key counted once: nine different guesses after it still leave the admin in.
    await failTimes(8);
    expect((await signIn(MANAGEMENT_MASTER_KEY)).statusCode).toBe(200);
  });

  it('forgets failures after a quiet quarter of an hour', async () => {
    await failTimes(9);
    gateway.clock.advance(15 * 60_000);
    await failTimes(9);
    expect((await signIn(MANAGEMENT_MASTER_KEY)).statusCode).toBe(200);
  });

  it('keeps apps with valid virtual keys working while the address waits', async () => {
    const { key } = gateway.keys.create({ key_alias: 'app' });
    await failTimes(10);
    const models = await gateway.send('GET', '/v1/models', { key });
    expect(models.statusCode).toBe(200);
    expect((await signIn(MANAGEMENT_MASTER_KEY)).statusCode).toBe(429);
  });

  it('counts wrong keys on inference routes too, and answers the Anthropic routes in their shape', async () => {
    for (let i = 0; i < 10; i++) expect((await gateway.send('GET', '/v1/models', { key: `${WRONG}-${i}` })).statusCode).toBe(401);
    const res = await gateway.send('POST', '/v1/messages/count_tokens', { body: { model: 'm', messages: [{ role: 'user', content: 'hi' }] } });
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json()).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
  });

  it('does not count requests that could never be the admin key: none, malformed, expired or blocked', async () => {
    const blocked = gateway.keys.create({ key_alias: 'blocked' });
    gateway.keys.block(blocked.record.id);
    const expiring = gateway.keys.create({ key_alias: 'expiring', duration: '1s' });
    gateway.clock.advance(1_000);
    for (let i = 0; i < 5; i++) {
      expect((await gateway.send('GET', '/settings', { key: null })).statusCode).toBe(401);
      expect((await gateway.send('GET', '/settings', { headers: { authorization: 'Bearer two words' }, key: null })).statusCode).toBe(401);
      expect((await signIn(blocked.key)).statusCode).toBe(401);
      expect((await signIn(expiring.key)).statusCode).toBe(401);
    }
    expect((await signIn(MANAGEMENT_MASTER_KEY)).statusCode).toBe(200);
  });

  it('makes only the failing address wait: a LAN client guessing does not lock out the local admin', async () => {
    await failTimes(10, '192.168.1.50');
    expect((await signIn(MANAGEMENT_MASTER_KEY, '192.168.1.50')).statusCode).toBe(429);
    expect((await signIn(MANAGEMENT_MASTER_KEY)).statusCode).toBe(200);
    // An IPv4 client seen through an IPv6 socket is the same client.
    expect((await signIn(MANAGEMENT_MASTER_KEY, '::ffff:192.168.1.50')).statusCode).toBe(429);
  });

  it('throttles nothing in open mode (no admin key: no key is checked)', async () => {
    const open = await startManagementGateway({ masterKey: null });
    try {
      for (let i = 0; i < 12; i++) expect((await open.send('GET', '/settings', { key: `${WRONG}-${i}` })).statusCode).toBe(200);
    } finally {
      await open.dispose();
    }
  });
});

describe('createFailedAuthThrottle', () => {
  it('keeps at most maxClients addresses, dropping the longest quiet first', () => {
    let now = 0;
    const throttle = createFailedAuthThrottle({ now: () => now, maxClients: 3 });
    for (const client of ['a', 'b', 'c']) for (let i = 0; i < 10; i++) throttle.failed(client, `guess-${i}`);
    now += 1;
    throttle.failed('a', 'guess-10');
    throttle.failed('d', 'guess-0');
    expect(throttle.size()).toBe(3);
    expect(throttle.waitMs('b')).toBe(0);
    expect(throttle.waitMs('a')).toBeGreaterThan(0);
    expect(throttle.waitMs('c')).toBeGreaterThan(0);
  });
});
