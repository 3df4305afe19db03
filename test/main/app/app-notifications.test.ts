import { describe, expect, it } from 'vitest';
import { describeNotification, notRunningNotification } from '../../../main/app/app-notifications.js';
import type { TrayState } from '../../../main/app/tray-menu-template.js';

describe('app-notifications', () => {
  it('words the 80% budget alert with the amounts', () => {
    expect(describeNotification({ kind: 'budget', alert: { keyId: 'k', app: 'Cursor', level: 80, spendMicros: 8_000_000, maxBudgetMicros: 10_000_000 } })).toEqual({
      title: 'Cursor has used 80% of its budget',
      body: '$8.00 of $10.00 spent.',
    });
  });

  it('says what happens at 100%', () => {
    const text = describeNotification({ kind: 'budget', alert: { keyId: 'k', app: 'Aider', level: 100, spendMicros: 10_000_000, maxBudgetMicros: 10_000_000 } });
    expect(text.title).toBe('Aider has used its whole budget');
    expect(text.body).toContain('refused');
  });

  it('words a team\'s soft budget as a warning, never as a refusal', () => {
    const reached = describeNotification({ kind: 'budget', alert: { keyId: 'team-soft:t1', app: "team 'research'", level: 100, spendMicros: 5_000_000, maxBudgetMicros: 5_000_000, soft: true } });
    expect(reached).toEqual({ title: "team 'research' has reached its soft budget", body: '$5.00 of $5.00 spent. Requests are still served: a soft budget only warns.' });
    expect(reached.body).not.toContain('refused');
    const near = describeNotification({ kind: 'budget', alert: { keyId: 'team-soft:t1', app: "team 'research'", level: 80, spendMicros: 4_000_000, maxBudgetMicros: 5_000_000, soft: true } });
    expect(near.title).toBe("team 'research' has used 80% of its soft budget");
  });

  it('offers the port fix in a start failure', () => {
    const text = describeNotification({ kind: 'start-failed', failure: { kind: 'port-in-use', message: 'Port 4141 on 127.0.0.1 is already in use.', fix: { kind: 'use-port', port: 4142 } } });
    expect(text).toEqual({ title: 'Switchboard could not start', body: 'Port 4141 on 127.0.0.1 is already in use. Click to start on port 4142 instead.' });
  });

  it('offers to open the config file, or nothing when there is no fix', () => {
    expect(describeNotification({ kind: 'start-failed', failure: { kind: 'config', message: 'x', fix: { kind: 'open-config', file: '/c.yaml' } } }).body).toBe('x Click to open the config file.');
    expect(describeNotification({ kind: 'start-failed', failure: { kind: 'other', message: 'x', fix: null } }).body).toBe('x');
  });

  it('names a new app in the title when it first calls, and says where to limit it', () => {
    expect(describeNotification({ kind: 'new-app', app: 'sync_notes.py' })).toEqual({
      title: 'sync_notes.py started using Switchboard',
      body: 'Its requests show under this name in Usage and Logs. Click to open the dashboard, where the Apps page can give it a budget or limits.',
    });
  });

  it('confirms a switch from the tray and reports a failed one', () => {
    expect(describeNotification({ kind: 'model-switched', model: 'claude-sonnet' }).body).toBe('Requests for "switchboard/active" now go to claude-sonnet.');
    expect(describeNotification({ kind: 'switch-failed', model: 'gone', message: 'There is no model group "gone".' }).body).toBe('gone: There is no model group "gone".');
  });

  describe('asked for the dashboard while the gateway is not running (launched again, no tray icon)', () => {
    const base: TrayState = { status: 'running', address: '127.0.0.1:4141', activeModel: null, models: [], today: null, startAtLogin: false, notifyNewApps: true, error: null };

    it('says nothing while it runs: the dashboard opens', () => {
      expect(notRunningNotification(base)).toBeNull();
    });

    it('says why it is not running and what a click does', () => {
      const failed = notRunningNotification({ ...base, status: 'error', error: { message: 'Port 4141 on 127.0.0.1 is already in use.', fix: { kind: 'use-port', port: 4142 } } })!;
      expect(failed).toEqual({ kind: 'not-running', status: 'error', message: 'Port 4141 on 127.0.0.1 is already in use.', fix: { kind: 'use-port', port: 4142 } });
      expect(describeNotification(failed)).toEqual({ title: 'Switchboard is not running', body: 'Port 4141 on 127.0.0.1 is already in use. Click to start on port 4142 instead.' });
      expect(describeNotification(notRunningNotification({ ...base, status: 'error', error: { message: 'The keychain did not answer.', fix: null } })!).body).toBe('The keychain did not answer. Click to try again.');
      expect(describeNotification(notRunningNotification({ ...base, status: 'paused' })!)).toEqual({ title: 'Switchboard is paused', body: 'Click to resume the gateway.' });
      expect(describeNotification(notRunningNotification({ ...base, status: 'starting' })!).title).toBe('Switchboard is starting');
    });
  });
});
