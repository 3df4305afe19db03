import { describe, expect, it } from 'vitest';
import { isLoopbackHost, isUnspecifiedHost, normalizeHostName } from '../../../main/core/host-name.js';

describe('host-name', () => {
  it.each([
    ['switchboard.lan', 'switchboard.lan'],
    ['MyBox.Local', 'mybox.local'],
    ['host.docker.internal', 'host.docker.internal'],
    ['192.168.1.5', '192.168.1.5'],
    ['fd00::2', '[fd00::2]'],
    ['[FD00::2]', '[fd00::2]'],
    ['localhost', 'localhost'],
  ])('normalizes %j to %j', (input, expected) => {
    expect(normalizeHostName(input)).toBe(expected);
  });

  it.each(['', 'evil.example:80', '*', '*.lan', 'http://box', 'box/x', 'user@box', 'bad_name', '-box', 'a..b', '[box]', 'fe80::1%eth0', '999.1.1.1', 'x'.repeat(254)])(
    'refuses %j',
    (input) => {
      expect(normalizeHostName(input)).toBeUndefined();
    },
  );

  it.each([['127.0.0.1', true], ['127.1.2.3', true], ['::1', true], ['localhost', true], ['0.0.0.0', false], ['::', false], ['192.168.1.5', false], ['box.lan', false]])(
    'isLoopbackHost(%j) is %s',
    (host, expected) => {
      expect(isLoopbackHost(host)).toBe(expected);
    },
  );

  it.each([['0.0.0.0', true], ['::', true], ['[::]', true], ['127.0.0.1', false], ['192.168.1.5', false]])('isUnspecifiedHost(%j) is %s', (host, expected) => {
    expect(isUnspecifiedHost(host)).toBe(expected);
  });
});
