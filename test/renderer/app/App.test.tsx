// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../../renderer/src/app/App.js';
import { SESSION_STORAGE_KEY } from '../../../renderer/src/session/use-session.js';
import { sampleSettings, sampleUserInfo } from '../fake-api.js';

const ADMIN = 'sk-admin-0123456789';

const MEMBER = 'sk-member-0123456789';

/**
 * A gateway over fetch: the admin key passes, a virtual key gets 403, a member's key gets 403 on
 * admin routes and its own user from /user/info, anything else 401.
 */
function fakeGateway(options: { open?: boolean } = {}) {
  const seen: { url: string; authorization: string | null }[] = [];
  const fetchImpl = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    seen.push({ url: String(input), authorization: headers.get('authorization') });
    const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    const auth = headers.get('authorization');
    const path = new URL(String(input), 'http://127.0.0.1:4141').pathname;
    if (!options.open && auth === `Bearer ${MEMBER}`) {
      if (path === '/user/info') return json(200, sampleUserInfo({ teams: [{ id: 'team-a', alias: 'Platform', role: 'admin' }, { id: 'team-b', alias: null, role: 'user' }] }));
      if (path === '/usage/summary') return json(200, { start: 0, end: 1, group_by: 'key', groups: [], totals: { group: 'total', label: null, spend_micros: 0, spend: 0, prompt_tokens: 0, completion_tokens: 0, cached_tokens: 0, reasoning_tokens: 0, total_tokens: 0, requests: 0, errors: 0, rejected: 0, p50_latency_ms: null, p95_latency_ms: null } });
      if (path === '/model/info') return json(200, { data: [] });
      return json(403, { error: { message: 'admin only', type: 'permission_error', param: null, code: 'admin_only' } });
    }
    if (!options.open && auth !== `Bearer ${ADMIN}`) {
      if (auth === 'Bearer sk-virtual') return json(403, { error: { message: 'admin only', type: 'permission_error', param: null, code: 'admin_only' } });
      return json(401, { error: { message: 'Invalid or missing API key', type: 'authentication_error', param: null, code: 'invalid_api_key' } });
    }
    if (path === '/settings') return json(200, sampleSettings());
    if (path === '/key/list') return json(200, { keys: [], total_count: 0, current_page: 1, total_pages: 0, page_size: 100 });
    if (path === '/model/info') return json(200, { data: [] });
    if (path === '/active-model') return json(200, { alias: 'switchboard/active', model: null, aliases: {}, models: [] });
    if (path === '/usage/summary') return json(200, { start: 0, end: 1, group_by: 'app', groups: [], totals: { group: 'total', label: null, spend_micros: 0, spend: 0, prompt_tokens: 0, completion_tokens: 0, cached_tokens: 0, reasoning_tokens: 0, total_tokens: 0, requests: 0, errors: 0, rejected: 0, p50_latency_ms: null, p95_latency_ms: null } });
    if (path === '/health') return json(200, { healthy_endpoints: [], unhealthy_endpoints: [], healthy_count: 0, unhealthy_count: 0, checked_at: '2026-03-15T12:00:00.000Z' });
    return json(404, { error: { message: 'no route', type: 'invalid_request_error', param: null, code: 'route_not_found' } });
  });
  return { fetchImpl: fetchImpl as unknown as typeof fetch, seen };
}

function memoryStorage(initial: Record<string, string> = {}) {
  const values = new Map(Object.entries(initial));
  return { getItem: (k: string) => values.get(k) ?? null, setItem: (k: string, v: string) => void values.set(k, v), removeItem: (k: string) => void values.delete(k), values };
}

beforeEach(() => {
  window.location.hash = '';
});
afterEach(cleanup);

describe('App sign-in', () => {
  it('asks for the admin key, checks it with the gateway, and keeps it for this tab only', async () => {
    const gateway = fakeGateway();
    const storage = memoryStorage();
    const local = vi.spyOn(window.localStorage, 'setItem');
    render(<App session={{ fetch: gateway.fetchImpl, storage, scope: {} }} />);
    const input = (await screen.findByLabelText('Key')) as HTMLInputElement;
    expect(input.type).toBe('password');
    expect(screen.queryByRole('alert')).toBeNull();
    fireEvent.change(input, { target: { value: ` ${ADMIN} ` } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Overview' })).toBeTruthy();
    expect(storage.values.get(SESSION_STORAGE_KEY)).toBe(ADMIN);
    expect(local).not.toHaveBeenCalled();
    expect(document.cookie).toBe('');
    await waitFor(() => expect(gateway.seen.filter((s) => s.url.startsWith('/key/list')).length).toBeGreaterThan(0));
    expect(gateway.seen.filter((s) => !s.url.startsWith('/settings')).every((s) => s.authorization === `Bearer ${ADMIN}`)).toBe(true);
    expect(gateway.seen.every((s) => s.url.startsWith('/'))).toBe(true);
  });

  it.each([
    ['sk-wrong', 'That key was not accepted. Use the admin (master) key or a key made for your user.'],
    ['sk-virtual', 'That is an app key: it belongs to no user. Sign in with the admin (master) key or a key made for your user.'],
  ])('refuses %s with a message saying why', async (key, message) => {
    const storage = memoryStorage();
    render(<App session={{ fetch: fakeGateway().fetchImpl, storage, scope: {} }} />);
    fireEvent.change(await screen.findByLabelText('Key'), { target: { value: key } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toBe(message);
    expect(storage.values.size).toBe(0);
  });

  it('reuses the key stored in this tab, and signs out by forgetting it', async () => {
    const storage = memoryStorage({ [SESSION_STORAGE_KEY]: ADMIN });
    render(<App session={{ fetch: fakeGateway().fetchImpl, storage, scope: {} }} />);
    expect(await screen.findByRole('heading', { level: 1, name: 'Overview' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByLabelText('Key')).toBeTruthy();
    expect(storage.values.has(SESSION_STORAGE_KEY)).toBe(false);
  });

  it('drops a stored key the gateway no longer accepts', async () => {
    const storage = memoryStorage({ [SESSION_STORAGE_KEY]: 'sk-rotated-away' });
    render(<App session={{ fetch: fakeGateway().fetchImpl, storage, scope: {} }} />);
    expect(await screen.findByLabelText('Key')).toBeTruthy();
    expect(storage.values.has(SESSION_STORAGE_KEY)).toBe(false);
  });

  it('needs no key when the gateway runs without one (local open mode)', async () => {
    render(<App session={{ fetch: fakeGateway({ open: true }).fetchImpl, storage: memoryStorage(), scope: {} }} />);
    expect(await screen.findByRole('heading', { level: 1, name: 'Overview' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Sign out' })).toBeNull();
  });

  it('takes the admin session from the Electron bridge without asking', async () => {
    const bridge = { switchboard: { adminSession: vi.fn(async () => ({ adminKey: ADMIN, desktop: true })) } };
    const storage = memoryStorage();
    render(<App session={{ fetch: fakeGateway().fetchImpl, storage, scope: bridge }} />);
    expect(await screen.findByRole('heading', { level: 1, name: 'Overview' })).toBeTruthy();
    expect(bridge.switchboard.adminSession).toHaveBeenCalledTimes(1);
    expect(storage.values.size).toBe(0);
    expect(screen.queryByRole('button', { name: 'Sign out' })).toBeNull();
  });

  it('navigates with the keyboard-reachable links and marks the current page', async () => {
    render(<App session={{ fetch: fakeGateway().fetchImpl, storage: memoryStorage({ [SESSION_STORAGE_KEY]: ADMIN }), scope: {} }} />);
    await screen.findByRole('heading', { level: 1, name: 'Overview' });
    const nav = screen.getByRole('navigation', { name: 'Pages' });
    const keys = screen.getAllByRole('link', { name: 'Keys' }).find((l) => nav.contains(l))!;
    expect(keys.getAttribute('href')).toBe('#/keys');
    window.location.hash = '#/keys';
    window.dispatchEvent(new HashChangeEvent('hashchange'));
    const heading = await screen.findByRole('heading', { level: 1, name: 'Keys' });
    expect(keys.getAttribute('aria-current')).toBe('page');
    expect(document.activeElement).toBe(heading);
    expect(document.title).toBe('Keys · Switchboard');
  });

  it("signs a member in with its own key: its own Overview and teams, no Settings, and never an admin-only call after sign-in", async () => {
    const gateway = fakeGateway();
    const storage = memoryStorage();
    window.location.hash = '#/settings';
    render(<App session={{ fetch: gateway.fetchImpl, storage, scope: {} }} />);
    fireEvent.change(await screen.findByLabelText('Key'), { target: { value: MEMBER } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    // A bookmarked admin page shows the member's Overview instead.
    expect(await screen.findByRole('heading', { level: 1, name: 'Overview' })).toBeTruthy();
    expect(storage.values.get(SESSION_STORAGE_KEY)).toBe(MEMBER);
    expect(screen.getByText('Signed in as ana@example.com')).toBeTruthy();
    const nav = screen.getByRole('navigation', { name: 'Pages' });
    const links = [...nav.querySelectorAll('a')].map((a) => a.textContent);
    // Ana admins team-a: Teams is hers too (its members only).
    expect(links).toEqual(['Overview', 'Models', 'Keys', 'Teams', 'Usage', 'Logs', 'Playground']);
    const teams = await screen.findByRole('table', { name: 'The teams you belong to' });
    expect(teams.textContent).toContain('Platform');
    expect(teams.textContent).toContain('Team admin');
    expect(teams.textContent).toContain('team-b');
    await waitFor(() => expect(gateway.seen.some((s) => s.url.startsWith('/usage/summary'))).toBe(true));
    // Only the sign-in probe went to an admin route: the pages ask for what a member may read.
    // (The first call, before the key was typed, asked without one.)
    const withKey = gateway.seen.filter((s) => s.authorization !== null);
    const adminCalls = withKey.filter((s) => /^\/(settings|active-model|health|admin-key)/.test(s.url));
    expect(adminCalls.map((s) => s.url)).toEqual(['/settings']);
    expect(withKey.every((s) => s.authorization === `Bearer ${MEMBER}`)).toBe(true);
  });
});
