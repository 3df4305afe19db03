import { describe, expect, it } from 'vitest';
import { QUIT_CAP_MS, createQuitSequence, type QuitSequenceDeps } from '../../../main/app/quit-sequence.js';

/** A quit driven by hand: stop() settles when the test says, timers fire when the test says. */
function setup(options: { stopNowThrows?: boolean } = {}) {
  const calls: string[] = [];
  const timers: { fn: () => void; ms: number; cancelled: boolean }[] = [];
  let finishStop!: () => void;
  let failStop!: (error: Error) => void;
  const logged: string[] = [];
  const deps: QuitSequenceDeps = {
    stop: () => {
      calls.push('stop');
      return new Promise<void>((resolve, reject) => {
        finishStop = resolve;
        failStop = reject;
      });
    },
    stopNow: () => {
      calls.push('stopNow');
      if (options.stopNowThrows) throw new Error('database is locked');
    },
    flushNow: () => calls.push('flushNow'),
    hideUi: () => calls.push('hideUi'),
    finish: () => calls.push('finish'),
    quit: () => calls.push('quit'),
    exit: () => calls.push('exit'),
    setTimer: (fn, ms) => {
      const timer = { fn, ms, cancelled: false };
      timers.push(timer);
      return () => (timer.cancelled = true);
    },
    log: { warn: (_d, message) => logged.push(message), error: (_d, message) => logged.push(message) },
  };
  const quit = createQuitSequence(deps);
  const fireTimer = () => {
    const timer = timers.at(-1)!;
    if (!timer.cancelled) timer.fn();
  };
  return { quit, calls, timers, fireTimer, finishStop: () => finishStop(), failStop: (e: Error) => failStop(e), logged };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('quit-sequence', () => {
  it('holds the first before-quit, hides the window and tray at once, and quits once the gateway has stopped', async () => {
    const { quit, calls, timers, finishStop } = setup();
    expect(quit.beforeQuit()).toBe(true);
    expect(calls).toEqual(['hideUi', 'stop']);
    // A second Quit click while stopping is held too, and starts nothing new.
    expect(quit.beforeQuit()).toBe(true);
    expect(calls).toEqual(['hideUi', 'stop']);
    finishStop();
    await settle();
    expect(calls).toEqual(['hideUi', 'stop', 'finish', 'quit']);
    expect(timers[0]!.cancelled).toBe(true);
    // The app.quit() it called runs before-quit again, which now lets it through.
    expect(quit.beforeQuit()).toBe(false);
  });

  it('caps the wait: a stop that hangs is cut off, usage written and the database closed at once, then the app exits', async () => {
    const { quit, calls, timers, fireTimer, finishStop, logged } = setup();
    quit.beforeQuit();
    expect(timers[0]!.ms).toBe(QUIT_CAP_MS);
    fireTimer();
    expect(calls).toEqual(['hideUi', 'stop', 'stopNow', 'finish', 'exit']);
    expect(logged).toContain('the gateway did not stop in time: closing the database at once and exiting');
    // The stop finishing late does not quit a second time.
    finishStop();
    await settle();
    expect(calls).toEqual(['hideUi', 'stop', 'stopNow', 'finish', 'exit']);
  });

  it('still quits when stopping the gateway fails, and logs why', async () => {
    const { quit, calls, failStop, logged } = setup();
    quit.beforeQuit();
    failStop(new Error('disk I/O error'));
    await settle();
    expect(calls).toEqual(['hideUi', 'stop', 'finish', 'quit']);
    expect(logged).toContain('error while shutting down');
  });

  it('never defers a system shutdown: closes synchronously and quits, and the quit that follows goes through', () => {
    const { quit, calls } = setup();
    quit.systemShutdown();
    expect(calls).toEqual(['hideUi', 'stopNow', 'finish', 'quit']);
    expect(quit.beforeQuit()).toBe(false);
    expect(calls).not.toContain('stop');
  });

  it('a system shutdown during a slow quit closes at once and quits without waiting for the stop', async () => {
    const { quit, calls, timers, finishStop } = setup();
    quit.beforeQuit();
    quit.systemShutdown();
    expect(calls).toEqual(['hideUi', 'stop', 'stopNow', 'finish', 'quit']);
    expect(timers[0]!.cancelled).toBe(true);
    expect(quit.beforeQuit()).toBe(false);
    finishStop();
    await settle();
    expect(calls.filter((c) => c === 'quit')).toHaveLength(1);
  });

  it('quits at a system shutdown even when closing the database throws', () => {
    const { quit, calls, logged } = setup({ stopNowThrows: true });
    quit.systemShutdown();
    expect(calls).toEqual(['hideUi', 'stopNow', 'finish', 'quit']);
    expect(logged).toContain('could not write usage and close the database at once');
  });

  it('writes queued usage when Windows asks whether the session may end, and keeps running', () => {
    const { quit, calls } = setup();
    quit.sessionMayEnd();
    expect(calls).toEqual(['flushNow']);
    expect(quit.beforeQuit()).toBe(true);
  });
});
