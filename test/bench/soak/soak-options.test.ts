import { describe, expect, it } from 'vitest';
import { parseSoakOptions, SOAK_USAGE, type SoakOptions } from '../../../bench/soak/soak-options.js';
import { seededRandom } from '../../../bench/seeded-random.js';

const FULL: SoakOptions = { streams: 5000, concurrency: 500, disconnect: 0.3, kills: 4, seed: 1, help: false };

describe('soak-options', () => {
  it.each<[string, string[], SoakOptions]>([
    ['no options: the run behind the README figures', [], FULL],
    ['--quick: fewer streams, fewer at once, two kills', ['--quick'], { ...FULL, streams: 1000, concurrency: 100, kills: 2 }],
    ['--quick then an explicit count wins', ['--quick', '--kills', '3'], { ...FULL, streams: 1000, concurrency: 100, kills: 3 }],
    ['--streams=N form', ['--streams=800', '--concurrency=80'], { ...FULL, streams: 800, concurrency: 80 }],
    ['--disconnect 0 (nobody hangs up)', ['--disconnect', '0'], { ...FULL, disconnect: 0 }],
    ['--kills 0 skips the crash phase', ['--kills', '0'], { ...FULL, kills: 0 }],
    ['-h', ['-h'], { ...FULL, help: true }],
  ])('%s', (_name, argv, expected) => {
    expect(parseSoakOptions(argv)).toEqual(expected);
  });

  it.each([
    [['--streams', '0'], '--streams needs a whole number from 1 to 1000000, got "0"'],
    [['--concurrency', '1.5'], '--concurrency needs a whole number from 1 to 5000, got "1.5"'],
    [['--disconnect', '1.2'], '--disconnect needs a share from 0 to 1, got "1.2"'],
    [['--disconnect', 'half'], '--disconnect needs a share from 0 to 1, got "half"'],
    [['--streams', '10', '--concurrency', '20'], '--concurrency cannot exceed --streams'],
  ])('refuses %j', (argv, error) => {
    expect(parseSoakOptions(argv)).toEqual({ error });
  });

  it('refuses an unknown option and a missing value with parseArgs\' own message', () => {
    expect(parseSoakOptions(['--fast'])).toEqual({ error: expect.stringContaining("Unknown option '--fast'") });
    expect(parseSoakOptions(['--streams'])).toEqual({ error: expect.stringContaining("Option '--streams <value>' argument missing") });
  });

  it('documents every option it accepts', () => {
    for (const flag of ['--streams', '--concurrency', '--disconnect', '--kills', '--seed', '--quick', '--help']) expect(SOAK_USAGE).toContain(flag);
  });
});

describe('seededRandom', () => {
  it('repeats its sequence for a seed and differs across seeds, within [0, 1)', () => {
    const take = (seed: number) => Array.from({ length: 5 }, seededRandom(seed));
    expect(take(7)).toEqual(take(7));
    expect(take(7)).not.toEqual(take(8));
    for (const value of take(42)) expect(value >= 0 && value < 1).toBe(true);
  });
});
