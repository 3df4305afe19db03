import { describe, expect, it } from 'vitest';
import { appFromHash, logsOfApp } from '../../../../renderer/src/pages/logs/logs-app-link.js';
import { pageFromHash } from '../../../../renderer/src/app/use-hash-route.js';

describe('logs-app-link', () => {
  it.each(['sync_notes.py', 'Claude Code', 'team/app?x=1&y#z', 'ünïcödé'])('round-trips %j through a Logs fragment that opens Logs', (app) => {
    const link = logsOfApp(app);
    expect(pageFromHash(link)).toBe('logs');
    expect(appFromHash(link)).toBe(app);
  });

  it.each([
    ['', ''],
    ['#/logs', ''],
    ['#/logs?model=x', ''],
    ['#/usage?app=x', ''],
    ['#logs?app=curl', 'curl'],
  ])('reads %j as app %j', (hash, app) => {
    expect(appFromHash(hash)).toBe(app);
  });
});
