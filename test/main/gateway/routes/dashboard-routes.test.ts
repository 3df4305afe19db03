// The dashboard's static files over app.inject: served without a key with the strict CSP (S34),
// nosniff and no-referrer; only real files inside the bundle folder with a known type; no path
// traversal, encoded or not, and no symlink out of the folder; still behind the Host/Origin guard.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../../main/config/load-config.js';
import { createServer, type Gateway } from '../../../../main/gateway/create-server.js';
import { DASHBOARD_CSP } from '../../../../main/gateway/routes/dashboard-routes.js';

let work: string;
let gateway: Gateway;
let unbuilt: Gateway;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'switchboard-dashboard-static-'));
  const root = join(work, 'renderer');
  mkdirSync(join(root, 'assets', 'fonts'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Switchboard</title><script type="module" src="./assets/app-1a2b.js"></script>');
  writeFileSync(join(root, 'assets', 'app-1a2b.js'), 'console.log(1)');
  writeFileSync(join(root, 'assets', 'app-1a2b.css'), 'body{}');
  writeFileSync(join(root, 'assets', 'fonts', 'f.woff2'), 'w');
  writeFileSync(join(root, 'assets', 'notes.txt'), 'not a bundle type');
  writeFileSync(join(work, 'secret.js'), 'SECRET');
  symlinkSync(join(work, 'secret.js'), join(root, 'assets', 'link.js'));
  const start = (dir: string) =>
    createServer({ config: parseConfigText('model_list: []\n', 'c.yaml', {}), log: pino({ level: 'silent' }), masterKey: 'sk-master-dashboard-static-01234', port: 4141, dashboardDir: dir });
  gateway = await start(root);
  unbuilt = await start(join(work, 'missing'));
});
afterAll(async () => {
  await gateway?.close();
  await unbuilt?.close();
  rmSync(work, { recursive: true, force: true });
});

const get = (url: string, headers: Record<string, string> = {}, g = gateway) => g.app.inject({ method: 'GET', url, headers: { host: '127.0.0.1:4141', ...headers } });

describe('dashboard routes', () => {
  it('serves index.html at / without a key, with the strict CSP and safe headers', async () => {
    const res = await get('/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    expect(DASHBOARD_CSP).toBe("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toContain('<title>Switchboard</title>');
  });

  it.each([
    ['/assets/app-1a2b.js', 'text/javascript; charset=utf-8'],
    ['/assets/app-1a2b.css', 'text/css; charset=utf-8'],
    ['/assets/fonts/f.woff2', 'font/woff2'],
  ])('serves %s as %s, cached for good (names carry a content hash)', async (url, type) => {
    const res = await get(url);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(type);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-security-policy']).toBe(DASHBOARD_CSP);
  });

  it.each([
    '/assets/../secret.js',
    '/assets/%2e%2e/secret.js',
    '/assets/..%2fsecret.js',
    '/assets/%2e%2e%2f%2e%2e%2fsecret.js',
    '/assets/fonts/../../../secret.js',
    '/assets/.%2e/secret.js',
    '/assets/..\\secret.js',
    '/assets/%00.js',
    '/assets/link.js',
    '/assets/notes.txt',
    '/assets/missing.js',
    '/assets/',
    '/assets/fonts',
    '/index.html',
    '/secret.js',
  ])('never serves %s: 404 inside /assets/, 401 where no route matches (auth runs first)', async (url) => {
    const res = await get(url);
    expect([401, 404]).toContain(res.statusCode);
    expect(res.body).not.toContain('SECRET');
  });

  it('says how to build the dashboard when it is not built', async () => {
    const res = await get('/', {}, unbuilt);
    expect(res.statusCode).toBe(503);
    expect(res.json().error.message).toContain('npm run build');
  });

  it('stays behind the Host check (DNS rebinding) and refuses cross-site loads', async () => {
    expect((await get('/', { host: 'evil.example:4141' })).statusCode).toBe(403);
    expect((await get('/', { 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    expect((await get('/assets/app-1a2b.js', { origin: 'http://evil.example' })).statusCode).toBe(403);
  });

  it("loads assets for the gateway's own page (same-origin Referer)", async () => {
    const res = await get('/assets/app-1a2b.js', { referer: 'http://127.0.0.1:4141/', 'sec-fetch-site': 'same-origin' });
    expect(res.statusCode).toBe(200);
  });
});
