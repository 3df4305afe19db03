// The pieces every Chromium dashboard test needs: the renderer bundle built by Vite into a temp
// directory, a headless Chromium that reports console errors and failed calls, and sign-in.
// Tests own the gateway (startGateway with dashboardDir: the bundle) so each can choose its
// config, admin key and data dir.
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';

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
  await page.getByLabel('Admin key').fill(adminKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Pages' }).waitFor(WAIT);
}

export type DashboardPageName = 'Overview' | 'Models' | 'Keys' | 'Usage' | 'Logs' | 'Settings';

export async function openDashboardPage(page: Page, name: DashboardPageName | string): Promise<void> {
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor(WAIT);
}
