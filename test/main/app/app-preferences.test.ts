import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { notifiesNewApps, readPreferences, updatePreferences, writePreferences } from '../../../main/app/app-preferences.js';

const temp = () => join(mkdtempSync(join(tmpdir(), 'switchboard-prefs-')), 'nested', 'preferences.json');

describe('app-preferences', () => {
  it('starts from defaults when there is no file', () => {
    expect(readPreferences(temp())).toEqual({});
  });

  it('remembers a chosen port and the first run, leaving no temp file behind', () => {
    const file = temp();
    updatePreferences(file, { port: 4142 });
    updatePreferences(file, { firstRunDone: true });
    expect(readPreferences(file)).toEqual({ port: 4142, firstRunDone: true });
    expect(readdirSync(join(file, '..'))).toEqual(['preferences.json']);
  });

  it.each([
    ['not JSON', '{port: 4142'],
    ['a port out of range', '{"port": 70000}'],
    ['a port as text', '{"port": "4142"}'],
    ['an array', '[1,2]'],
  ])('treats a file with %s as defaults instead of failing', (_case, text) => {
    const file = temp();
    writePreferences(file, {});
    writeFileSync(file, text);
    expect(readPreferences(file)).toEqual({});
  });

  it('notifies new apps unless switched off, and remembers the switch', () => {
    const file = temp();
    expect(notifiesNewApps(readPreferences(file))).toBe(true);
    updatePreferences(file, { notifyNewApps: false });
    expect(notifiesNewApps(readPreferences(file))).toBe(false);
    updatePreferences(file, { notifyNewApps: true });
    expect(notifiesNewApps(readPreferences(file))).toBe(true);
  });

  it('treats a non-boolean notifyNewApps as defaults (notifying)', () => {
    const file = temp();
    writePreferences(file, {});
    writeFileSync(file, '{"notifyNewApps": "no"}');
    expect(notifiesNewApps(readPreferences(file))).toBe(true);
  });

  it('refuses to write an invalid port', () => {
    const file = temp();
    expect(() => writePreferences(file, { port: 0 })).toThrow();
    writePreferences(file, { port: 65535 });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ port: 65535 });
  });
});
