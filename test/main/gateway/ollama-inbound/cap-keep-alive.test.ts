import { describe, expect, it } from 'vitest';
import { capKeepAlive, parseKeepAliveSeconds } from '../../../../main/gateway/ollama-inbound/cap-keep-alive.js';

describe('parseKeepAliveSeconds', () => {
  it.each([
    [300, 300],
    [-1, -1],
    ['-1', -1],
    ['3600', 3600],
    ['30s', 30],
    ['5m', 300],
    ['1h', 3600],
    ['1h30m', 5400],
    ['1.5h', 5400],
    ['500ms', 0.5],
    ['-1m', -60],
    ['0', 0],
  ])('%j is %d seconds', (value, seconds) => {
    expect(parseKeepAliveSeconds(value)).toBe(seconds);
  });

  it.each(['forever', '5 minutes', 'm5', '', '5d'])('%j is not a duration', (value) => {
    expect(parseKeepAliveSeconds(value)).toBeUndefined();
  });
});

describe('capKeepAlive', () => {
  it.each([
    [-1, 1800, 1800],
    ['-1', 1800, 1800],
    ['-5m', 1800, 1800],
    ['2h', 1800, 1800],
    [7200, 1800, 1800],
    ['10m', 1800, '10m'],
    [0, 1800, 0],
    [undefined, 1800, undefined],
    ['garbage', 1800, 'garbage'],
    [-1, null, -1],
  ])('%j with cap %j becomes %j', (value, cap, expected) => {
    expect(capKeepAlive(value, cap)).toBe(expected);
  });
});
