import { describe, expect, it } from 'vitest';
import { BENCH_USAGE, parseBenchOptions, type BenchOptions } from '../../bench/bench-options.js';

const FULL: BenchOptions = { rounds: 5, scale: 1, startupSamples: 5, profile: false, stages: true, slow: true, help: false };
const QUICK: BenchOptions = { ...FULL, rounds: 3, scale: 0.25, startupSamples: 3, slow: false };

describe('bench-options', () => {
  it.each<[string, string[], BenchOptions]>([
    ['no options: a full run with the slow measurements', [], FULL],
    ['--quick: fewer requests and rounds, no slow measurements', ['--quick'], QUICK],
    ['--quick --slow puts the slow measurements back', ['--quick', '--slow'], { ...QUICK, slow: true }],
    ['--slow before --quick still wins', ['--slow', '--quick'], { ...QUICK, slow: true }],
    ['--no-slow in a full run', ['--no-slow'], { ...FULL, slow: false }],
    ['the last of --slow and --no-slow wins', ['--no-slow', '--slow'], FULL],
    ['--rounds N', ['--rounds', '7'], { ...FULL, rounds: 7 }],
    ['--rounds=N', ['--rounds=1'], { ...FULL, rounds: 1 }],
    ['--rounds after --quick overrides its 3', ['--quick', '--rounds', '10'], { ...QUICK, rounds: 10 }],
    ['--profile', ['--profile'], { ...FULL, profile: true }],
    ['--no-stages', ['--no-stages'], { ...FULL, stages: false }],
    ['--stages after --no-stages', ['--no-stages', '--stages'], { ...FULL, stages: true }],
    ['--quick keeps the stage breakdown', ['--quick'], { ...FULL, scale: 0.25, rounds: 3, startupSamples: 3, slow: false }],
    ['-h', ['-h'], { ...FULL, help: true }],
    ['--help', ['--help'], { ...FULL, help: true }],
    ['--only one scenario', ['--only', 'gateway-virtual-key'], { ...FULL, only: ['gateway-virtual-key'] }],
    ['--only=A,B with spaces', ['--only=gateway , gateway-2-deployment-group'], { ...FULL, only: ['gateway', 'gateway-2-deployment-group'] }],
  ])('%s', (_name, argv, expected) => {
    expect(parseBenchOptions(argv)).toEqual(expected);
  });

  it.each([
    [['--rounds', '0'], '--rounds needs a whole number from 1 to 50, got "0"'],
    [['--rounds', '51'], '--rounds needs a whole number from 1 to 50, got "51"'],
    [['--rounds', '2.5'], '--rounds needs a whole number from 1 to 50, got "2.5"'],
    [['--rounds=abc'], '--rounds needs a whole number from 1 to 50, got "abc"'],
    [['--rounds'], '--rounds needs a whole number from 1 to 50, got ""'],
    [['--only'], '--only needs scenario slugs separated by commas, e.g. --only gateway-virtual-key'],
    [['--only=,'], '--only needs scenario slugs separated by commas, e.g. --only gateway-virtual-key'],
    [['--fast'], 'unknown option "--fast"'],
    [['quick'], 'unknown option "quick"'],
  ])('refuses %j with "%s"', (argv, error) => {
    expect(parseBenchOptions(argv)).toEqual({ error });
  });

  it.each(['--rounds', '--quick', '--slow', '--no-slow', '--profile', '--no-stages', '--stages', '--only', '--help'])('documents %s in the usage text', (flag) => {
    expect(BENCH_USAGE).toContain(flag);
  });
});
