// The pieces every Chromium dashboard test needs: the renderer bundle built by Vite into a temp
// directory, a headless Chromium that reports console errors and failed calls, and sign-in.
// startDashboardSession puts them together with a loopback mock upstream and a real gateway
// (startGateway, SQLite in the temp directory) for a test file; the pieces stay exported for
// tests that need another arrangement.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { startGateway, type RunningGateway, type StartGatewayOptions } from '../../main/start-gateway.js';
import { createMockUpstream, type MockUpstream, type MockUpstreamOptions } from './mock-upstream.js';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const WAIT = { timeout: 15_000 };

/** Builds the dashboard into `work/renderer` and returns that directory. */
export async function buildDashboardBundle(work: string): Promise<string> {
  const bundle = join(work, 'renderer');
  await build({ configFile: resolve('vite.config.ts'), logLevel: 'error', build: { outDir: bundle, emptyOutDir: true, sourcemap: false } });
  return bundle;
}

export interface DashboardBrowser {
  browser: Browser;
  page: Page;
  /** Console errors and uncaught page errors; a test expects this to stay empty. */
  browserErrors: string[];
  /** `status path` of every response >= 400, for tests to check one by one. */
  failedCalls: string[];
  close(): Promise<void>;
}

export async function launchDashboardBrowser(options: { width?: number; height?: number; colorScheme?: 'light' | 'dark' } = {}): Promise<DashboardBrowser> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: options.width ?? 1280, height: options.height ?? 860 }, colorScheme: options.colorScheme ?? 'light' });
  const browserErrors: string[] = [];
  const failedCalls: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) browserErrors.push(message.text());
  });
  page.on('response', (response) => {
    if (response.status() >= 400) failedCalls.push(`${response.status()} ${new URL(response.url()).pathname}`);
  });
  page.on('pageerror', (error) => browserErrors.push(error.message));
  return { browser, page, browserErrors, failedCalls, close: () => browser.close() };
}

/** Opens the dashboard at `url` and signs in with the admin key (skipped when the gateway is open). */
export async function signIn(page: Page, url: string, adminKey?: string): Promise<void> {
  await page.goto(url);
  if (adminKey === undefined) return;
  await page.getByLabel('Key', { exact: true }).fill(adminKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Pages' }).waitFor(WAIT);
}

export type DashboardPageName = 'Overview' | 'Models' | 'Keys' | 'Teams' | 'Usage' | 'Logs' | 'Settings';

export async function openDashboardPage(page: Page, name: DashboardPageName | string): Promise<void> {
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor(WAIT);
}

/** The admin key of a session that names none. */
export const SESSION_ADMIN_KEY = 'sk-dashboard-session-admin-0123456789';

/** What a gateway of a session may set beyond its config and admin key. */
export type SessionGatewayOptions = Partial<Pick<StartGatewayOptions, 'secrets' | 'allowEmpty' | 'env' | 'clock' | 'postWebhook'>>;

export interface SessionGatewaySpec extends SessionGatewayOptions {
  /** The config.yaml text, given the mock upstream's URL; absent: the built-in default (a local Ollama). */
  config?: (mockUrl: string) => string;
  /** The admin key; null for an open gateway (the quick start). SESSION_ADMIN_KEY by default. */
  adminKey?: string | null;
}

export interface DashboardSessionOptions extends SessionGatewaySpec {
  /** Names the temp directory (bundle, config files, data dirs), which close() deletes. */
  name: string;
  mock?: MockUpstreamOptions;
  browser?: { width?: number; height?: number; colorScheme?: 'light' | 'dark' };
  /** Open the dashboard and sign in before returning (default true); false leaves the page blank. */
  signIn?: boolean;
}

export interface DashboardSession extends DashboardBrowser {
  /** The temp directory; close() deletes it. */
  work: string;
  /** The built dashboard every gateway of this session serves. */
  bundle: string;
  mock: MockUpstream;
  gateway: RunningGateway;
  /** The gateway's config file (undefined for the built-in default) and data directory, for a restart or a `switchboard serve` on them. */
  configFile: string | undefined;
  dataDir: string;
  /** The gateway's admin key; undefined when it is open. */
  adminKey: string | undefined;
  /** A management API call with the admin key (JSON body when given; GET without one). */
  admin(path: string, body?: unknown, method?: string): Promise<{ status: number; json: any }>;
  /**
   * Another gateway serving the bundle, with its config and data in `work/<name>*`; the session
   * closes it unless the test did. `dataDir` reuses a data directory (a restart).
   */
  startGateway(name: string, spec: SessionGatewaySpec & { dataDir?: string }): Promise<RunningGateway>;
  /** Closes the browser, every gateway and the mock, and deletes the temp directory. */
  close(): Promise<void>;
}

/**
 * The set-up of a dashboard e2e file: a mock upstream, a gateway configured with it, the bundle,
 * Chromium, and (by default) a signed-in page. Call in beforeAll, close() in afterAll.
 */
export async function startDashboardSession(options: DashboardSessionOptions): Promise<DashboardSession> {
  const work = mkdtempSync(join(tmpdir(), `switchboard-${options.name}-`));
  const gateways: RunningGateway[] = [];
  let mock: MockUpstream | undefined;
  let browser: DashboardBrowser | undefined;
  const close = async () => {
    await browser?.close();
    await Promise.all(gateways.map((gateway) => gateway.close()));
    await mock?.close();
    rmSync(work, { recursive: true, force: true });
  };
  try {
    const bundle = await buildDashboardBundle(work);
    const upstream = await createMockUpstream(options.mock);
    mock = upstream;
    const configFileOf = (name: string, config: SessionGatewaySpec['config']) => (config === undefined ? undefined : join(work, `${name}.yaml`));
    const dataDirOf = (name: string) => join(work, `${name}-data`);
    const start = async (name: string, spec: SessionGatewaySpec & { dataDir?: string }) => {
      const { config, adminKey, dataDir, ...rest } = spec;
      const configFile = configFileOf(name, config);
      if (configFile !== undefined) writeFileSync(configFile, config!(upstream.url));
      const running = await startGateway({
        configFile, dataDir: dataDir ?? dataDirOf(name), host: '127.0.0.1', port: 0,
        masterKey: adminKey === null ? undefined : (adminKey ?? SESSION_ADMIN_KEY),
        env: {}, log: pino({ level: 'silent' }), dashboardDir: bundle, ...rest,
      });
      gateways.push(running);
      return running;
    };
    const { name: _name, mock: _mock, browser: viewport, signIn: signInFirst, ...spec } = options;
    const gateway = await start('gateway', spec);
    const adminKey = options.adminKey === null ? undefined : (options.adminKey ?? SESSION_ADMIN_KEY);
    browser = await launchDashboardBrowser(viewport);
    if (signInFirst ?? true) await signIn(browser.page, gateway.url, adminKey);
    const admin = (path: string, body?: unknown, method?: string) => callAdminApi(gateway.url, adminKey, path, body, method);
    return {
      ...browser, work, bundle, mock: upstream, gateway, configFile: configFileOf('gateway', spec.config), dataDir: dataDirOf('gateway'), adminKey, admin, startGateway: start, close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** A management API call to the gateway at `url`: the admin key when there is one, a JSON body when given (POST unless told). */
export async function callAdminApi(url: string, adminKey: string | undefined, path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST'): Promise<{ status: number; json: any }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { ...(adminKey === undefined ? {} : { authorization: `Bearer ${adminKey}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: await response.json() };
}
