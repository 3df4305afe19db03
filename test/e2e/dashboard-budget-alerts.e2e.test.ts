// The budget-alert webhook set from the dashboard's Settings page (issue 14, item 13), in a real
// headless Chromium against a real gateway whose keychain is the test runner's private
// gnome-keyring: the URL saves into the keychain, is shown back masked, and never reaches the page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeytarSecretStore } from '../../main/secrets/keytar-secret-store.js';
import { WEBHOOK_KEYCHAIN_NAME } from '../../main/config/budget-alert-webhook.js';
import { assertKeychainReady, keychainTestEnv } from '../main/secrets/keychain-test-env.js';
import { openDashboardPage, startDashboardSession, WAIT, type DashboardSession } from '../support/dashboard-browser.js';

const HOOK = 'https://hooks.slack.com/services/T000/B000/dashboardtoken9876';
const kc = keychainTestEnv();
const store = createKeytarSecretStore({ service: 'Switchboard-e2e-budget-alerts' });

let session: DashboardSession;

describe.runIf(kc.run)(kc.title('budget alert webhook in Settings (Chromium, real gateway, real keychain)'), () => {
  beforeAll(async () => {
    assertKeychainReady(kc);
    session = await startDashboardSession({ name: 'dashboard-alerts-e2e', secrets: store });
  }, 120_000);

  afterAll(async () => {
    await session?.close();
    await store.delete(WEBHOOK_KEYCHAIN_NAME).catch(() => false);
  });

  it('saves the webhook URL into the keychain and shows it masked', async () => {
    const { page } = session;
    await openDashboardPage(page, 'Settings');
    const card = page.getByRole('form', { name: 'Budget alerts' });
    await card.getByText('none (alerts are only logged)').waitFor(WAIT);
    await card.getByLabel('Webhook URL').fill(HOOK);
    await card.getByRole('button', { name: 'Save webhook' }).click();
    await card.getByRole('status').getByText('Saved.').waitFor(WAIT);
    await card.getByText('https://hooks.slack.com/…9876').waitFor(WAIT);
    expect(await store.get(WEBHOOK_KEYCHAIN_NAME)).toBe(HOOK);
    expect(await page.content()).not.toContain('dashboardtoken9876');

    await card.getByRole('button', { name: 'Remove webhook' }).click();
    await card.getByText('none (alerts are only logged)').waitFor(WAIT);
    expect(await store.get(WEBHOOK_KEYCHAIN_NAME)).toBeUndefined();
    expect(session.browserErrors).toEqual([]);
  });
});
