import { describe, expect, it } from 'vitest';
import { parseCmdline, parseProcStat } from '../../../main/attribution/proc-pid-stat.js';

describe('parseProcStat', () => {
  it('reads ppid (field 4) and start time (field 22) of a recorded stat line', () => {
    const stat = '15242 (cat) R 15236 15236 11608 0 -1 4194304 99 0 0 0 0 0 0 0 20 0 1 0 7174602 3133440 388 18446744073709551615 94821385613312';
    expect(parseProcStat(stat)).toEqual({ comm: 'cat', ppid: 15236, startTime: '7174602' });
  });

  it('reads the fields after the last parenthesis when the name holds spaces and parentheses', () => {
    const stat = '4242 (Code Helper (Plugin)) S 4100 4100 4100 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 12 0 998877 1 1 1';
    expect(parseProcStat(stat)).toEqual({ comm: 'Code Helper (Plugin)', ppid: 4100, startTime: '998877' });
    const tricky = '77 (a) S 1 2 3) S 55 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 123 1 1';
    expect(parseProcStat(tricky)).toEqual({ comm: 'a) S 1 2 3', ppid: 55, startTime: '123' });
  });

  it('returns null for a truncated or malformed line', () => {
    expect(parseProcStat('12 (x) S 1 2')).toBeNull();
    expect(parseProcStat('garbage')).toBeNull();
  });
});

describe('parseCmdline', () => {
  it('splits on NUL and drops the trailing one, keeping empty arguments inside', () => {
    expect(parseCmdline('python3\0sync_notes.py\0\0--x\0')).toEqual(['python3', 'sync_notes.py', '', '--x']);
    expect(parseCmdline('')).toEqual([]);
  });
});
