import { describe, expect, it } from 'vitest';
import { ALLOW_GROWTH_FLAG, capYoungGeneration, STOP_GROWTH_FLAG } from '../../main/cap-young-generation.js';

const MB = 1024 * 1024;

/** A fake V8: new space of a given size, a GC the test triggers, and the flags set. */
function fakeV8(execArgv: string[] = [], nodeOptions?: string) {
  const state = { newSpace: 2 * MB, flags: [] as string[], gc: () => {}, workerOnline: () => {} };
  const capped = (cap = 8 * MB) => capYoungGeneration({
    execArgv, nodeOptions,
    setFlags: (flags) => state.flags.push(flags),
    newSpaceBytes: () => state.newSpace,
    afterGc: (listener) => { state.gc = listener; },
    afterWorkerStart: (listener) => { state.workerOnline = listener; },
  }, cap);
  return { state, capped };
}

describe('capYoungGeneration', () => {
  it('lets new space grow to the cap, stops it there, and lets it grow again after V8 shrinks it', () => {
    const { state, capped } = fakeV8(['--enable-source-maps'], '--no-warnings');
    expect(capped()).toBe(true);
    expect(state.flags).toEqual([]);
    state.newSpace = 4 * MB;
    state.gc();
    expect(state.flags).toEqual([]);
    state.newSpace = 8 * MB;
    state.gc();
    expect(state.flags).toEqual([STOP_GROWTH_FLAG]);
    state.newSpace = 1 * MB;
    state.gc();
    state.gc();
    expect(state.flags).toEqual([STOP_GROWTH_FLAG, ALLOW_GROWTH_FLAG]);
  });

  it('sets the stop again after every collection and when a worker starts (a worker start resets it in V8)', () => {
    const { state, capped } = fakeV8();
    state.newSpace = 8 * MB;
    capped();
    state.gc();
    state.workerOnline();
    expect(state.flags).toEqual([STOP_GROWTH_FLAG, STOP_GROWTH_FLAG, STOP_GROWTH_FLAG]);
  });

  it('leaves growth alone when a worker starts below the cap', () => {
    const { state, capped } = fakeV8();
    capped();
    state.workerOnline();
    expect(state.flags).toEqual([]);
  });

  it('stops growth at once when new space already is at the cap', () => {
    const { state, capped } = fakeV8();
    state.newSpace = 16 * MB;
    capped();
    expect(state.flags).toEqual([STOP_GROWTH_FLAG]);
  });

  it.each([
    ['--max-semi-space-size in node flags', ['--max-semi-space-size=64'], undefined],
    ['--min-semi-space-size in node flags', ['--min-semi-space-size=8'], undefined],
    ['underscored V8 spelling in node flags', ['--max_semi_space_size=32'], undefined],
    ['--max-semi-space-size in NODE_OPTIONS', [], '--enable-source-maps --max-semi-space-size=32'],
    ['--semi-space-growth-factor in NODE_OPTIONS', [], '--semi-space-growth-factor=4'],
  ])('leaves an operator\'s own sizing alone (%s)', (_name, execArgv, nodeOptions) => {
    const { state, capped } = fakeV8(execArgv, nodeOptions);
    state.newSpace = 32 * MB;
    expect(capped()).toBe(false);
    state.gc();
    expect(state.flags).toEqual([]);
  });
});
