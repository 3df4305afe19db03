// Budget alerts without the desktop app (issue 14, item 13), through the real gateway (startGateway,
// the ledger on a real SQLite file, the official openai SDK, loopback upstream and webhook only):
// configured as LiteLLM is (general_settings.alerting: ["slack"] with SLACK_WEBHOOK_URL), a key's
// spend crossing 80% and then 100% of its budget posts exactly one Slack-compatible message for
// each, naming the app; the URL is never shown by /settings.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultModels, startMeteredGateway, type MeteredGateway } from './metered-gateway.js';

let gw: MeteredGateway;
let receiver: Server;
let webhookUrl: string;
const posts: { contentType: string | undefined; body: unknown }[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    req.on('end', () => {
      posts.push({ contentType: req.headers['content-type'], body: JSON.parse(text) });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen({ host: '127.0.0.1', port: 0 }, resolve));
  // Shaped like Slack's: the path carries the token.
  webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/services/T000/B000/secrettoken1234`;
  gw = await startMeteredGateway({
    env: { SLACK_WEBHOOK_URL: webhookUrl },
    models: (mockUrl) => `${defaultModels(mockUrl)}general_settings:\n  alerting: ["slack"]\n`,
  });
});
afterAll(async () => {
  await gw?.close();
  await new Promise<void>((resolve) => receiver?.close(() => resolve()));
});

describe('budget alerts (webhook and log line)', () => {
  it('posts exactly one 80% and one 100% alert as the spend crosses them, and never shows the URL', async () => {
    const app = await gw.generateKey({ key_alias: 'notes-app', max_budget: 1 });
    const client = gw.openai(app.key);
    // Each answer reports 1,000 tokens at $300 per million: $0.30, though max_tokens keeps the hold small.
    gw.mock.setDefault({ kind: 'ok', usage: { prompt: 500, completion: 500 } });
    const ask = () => client.chat.completions.create({ model: 'premium', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
    const settle = async () => {
      gw.usageRows();
      await gw.running().budgetAlerts.settled();
    };

    await ask();
    await ask();
    await settle();
    expect(posts).toEqual([]);
    await ask();
    await settle();
    expect(posts).toEqual([{ contentType: 'application/json', body: { text: 'Switchboard: notes-app has used 80% of its $1.00 budget ($0.90 spent).' } }]);
    await ask();
    await settle();
    await expect(ask()).rejects.toMatchObject({ status: 429 });
    await settle();
    expect(posts.map((p) => p.body)).toEqual([
      { text: 'Switchboard: notes-app has used 80% of its $1.00 budget ($0.90 spent).' },
      { text: 'Switchboard: notes-app has used all of its $1.00 budget ($1.20 spent). Requests to priced models are refused until the budget resets or is raised.' },
    ]);

    const settings = await gw.api('GET', '/settings');
    expect(settings.json.budget_alerts).toEqual({ webhook: 'os.environ/SLACK_WEBHOOK_URL', source: 'config', budget_alerts: true });
    expect(settings.text).not.toContain('secrettoken1234');
  });

  it('keeps a webhook URL given under /settings as a reference and shows it masked', async () => {
    const saved = await gw.api('POST', '/settings', { budget_alerts: { webhook_url: 'os.environ/SLACK_WEBHOOK_URL' } });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.json.budget_alerts).toMatchObject({ webhook: 'os.environ/SLACK_WEBHOOK_URL', source: 'dashboard' });
    const refused = await gw.api('POST', '/settings', { budget_alerts: { webhook_url: 'ftp://example.test/hook' } });
    expect(refused.status).toBe(400);
    // No keychain here: a literal URL is refused rather than stored in the database.
    const literal = await gw.api('POST', '/settings', { budget_alerts: { webhook_url: webhookUrl } });
    expect(literal.status).toBe(400);
    expect(literal.text).not.toContain('secrettoken1234');
  });
});
