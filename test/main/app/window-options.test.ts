import { describe, expect, it } from 'vitest';
import type { WebPreferences } from 'electron';
import {
  DASHBOARD_CSP,
  REQUIRED_WEB_PREFERENCES,
  assertSecureWebPreferences,
  buildWindowOptions,
  findWeakenedWebPreferences,
  withDashboardCsp,
} from '../../../main/app/window-options.js';

const options = buildWindowOptions({ preloadPath: '/app/dist/main/app/preload.cjs', devTools: false });

describe('window-options', () => {
  // The isolation boundary, spelled out here on purpose rather than read from the module: a
  // change that weakens any of these in window-options.ts makes this table fail.
  it.each([
    ['contextIsolation', true],
    ['sandbox', true],
    ['nodeIntegration', false],
    ['nodeIntegrationInWorker', false],
    ['nodeIntegrationInSubFrames', false],
    ['webSecurity', true],
    ['allowRunningInsecureContent', false],
    ['webviewTag', false],
    ['experimentalFeatures', false],
    ['navigateOnDragDrop', false],
  ] as const)('builds the window with %s set to %s', (name, value) => {
    expect(options.webPreferences[name]).toBe(value);
  });

  it('sets no preference that switches on extra Blink features or passes arguments to the renderer', () => {
    expect(options.webPreferences.enableBlinkFeatures).toBeUndefined();
    expect(options.webPreferences.additionalArguments).toBeUndefined();
    expect(findWeakenedWebPreferences(options.webPreferences)).toEqual([]);
  });

  it('loads the compiled CommonJS preload and starts hidden until ready to show', () => {
    expect(options.webPreferences.preload).toBe('/app/dist/main/app/preload.cjs');
    expect(options.show).toBe(false);
  });

  it('allows the developer tools only when asked (development builds)', () => {
    expect(options.webPreferences.devTools).toBe(false);
    expect(buildWindowOptions({ preloadPath: '/p.cjs', devTools: true }).webPreferences.devTools).toBe(true);
  });

  it.each(Object.keys(REQUIRED_WEB_PREFERENCES))('refuses a window whose %s is flipped', (name) => {
    const weakened = { ...options.webPreferences, [name]: !(REQUIRED_WEB_PREFERENCES as Record<string, boolean>)[name] } as WebPreferences;
    expect(findWeakenedWebPreferences(weakened)).toEqual([name]);
    expect(() => assertSecureWebPreferences(weakened)).toThrow(name);
  });

  it.each(Object.keys(REQUIRED_WEB_PREFERENCES))('refuses a window that leaves %s to the Electron default', (name) => {
    const partial: Record<string, unknown> = { ...options.webPreferences };
    delete partial[name];
    expect(() => assertSecureWebPreferences(partial as WebPreferences)).toThrow(name);
  });

  it.each([
    ['enableBlinkFeatures', 'CSSPseudoHas'],
    ['additionalArguments', ['--x']],
  ])('refuses a window that sets %s', (name, value) => {
    expect(() => assertSecureWebPreferences({ ...options.webPreferences, [name]: value })).toThrow(name);
  });

  it('adds the dashboard CSP to app-origin responses that have none', () => {
    const headers = withDashboardCsp({ 'Content-Type': ['application/json'] }, 'http://127.0.0.1:4141/usage/summary', 'http://127.0.0.1:4141');
    expect(headers?.['Content-Security-Policy']).toEqual([DASHBOARD_CSP]);
    expect(DASHBOARD_CSP).toContain("img-src 'self' data:");
    expect(DASHBOARD_CSP).toContain("script-src 'self'");
    expect(DASHBOARD_CSP).toContain("connect-src 'self'");
    expect(DASHBOARD_CSP).not.toContain("'unsafe-");
    expect(DASHBOARD_CSP).not.toMatch(/img-src[^;]*(https?:|\*)/);
  });

  it('leaves a CSP the gateway sent alone, whatever its header case', () => {
    const sent = { 'content-security-policy': ["default-src 'self'"] };
    expect(withDashboardCsp(sent, 'http://127.0.0.1:4141/', 'http://127.0.0.1:4141')).toBe(sent);
  });

  it.each([
    ['another origin', 'https://example.com/', 'http://127.0.0.1:4141'],
    ['another port', 'http://127.0.0.1:9999/', 'http://127.0.0.1:4141'],
    ['no gateway running', 'http://127.0.0.1:4141/', null],
    ['an unparsable URL', 'not a url', 'http://127.0.0.1:4141'],
  ])('does not touch responses from %s', (_case, url, origin) => {
    const headers = { a: ['b'] };
    expect(withDashboardCsp(headers, url, origin)).toBe(headers);
  });
});
