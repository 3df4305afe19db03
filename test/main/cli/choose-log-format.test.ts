import { describe, expect, it } from 'vitest';
import { chooseLogFormat, isLogFormat, type LogFormat } from '../../../main/cli/choose-log-format.js';

describe('chooseLogFormat', () => {
  it.each<[LogFormat | undefined, boolean, LogFormat]>([
    [undefined, true, 'pretty'],
    [undefined, false, 'json'],
    ['json', true, 'json'],
    ['pretty', false, 'pretty'],
    ['json', false, 'json'],
    ['pretty', true, 'pretty'],
  ])('asked for %s with a terminal: %s -> %s', (requested, terminal, chosen) => {
    expect(chooseLogFormat(requested, terminal)).toBe(chosen);
  });

  it.each([['json', true], ['pretty', true], ['JSON', false], ['text', false], ['', false]])('knows %j as a format: %s', (value, known) => {
    expect(isLogFormat(value)).toBe(known);
  });
});
