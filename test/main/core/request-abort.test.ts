import { describe, expect, it } from 'vitest';
import { onAbort, RequestAbort } from '../../../main/core/request-abort.js';

describe('RequestAbort', () => {
  it('calls every listener once with the reason set, and later aborts change nothing', () => {
    const abort = new RequestAbort();
    const seen: unknown[] = [];
    abort.once('abort', () => seen.push(['a', abort.reason]));
    abort.on('abort', () => seen.push(['b', abort.aborted]));
    abort.abort('first');
    abort.abort('second');
    expect(seen).toEqual([['a', 'first'], ['b', true]]);
    expect(abort.reason).toBe('first');
    expect(abort.listenerCount('abort')).toBe(0);
  });

  it('drops a removed listener, so a request that ended keeps nothing attached', () => {
    const abort = new RequestAbort();
    let called = 0;
    const stop = onAbort(abort, () => called++);
    expect(abort.listenerCount('abort')).toBe(1);
    stop();
    expect(abort.listenerCount('abort')).toBe(0);
    abort.abort('gone');
    expect(called).toBe(0);
  });

  it('gives a real AbortSignal that follows it, made only when asked, aborted already if it is', async () => {
    const abort = new RequestAbort();
    const signal = abort.signal;
    expect(signal).toBeInstanceOf(AbortSignal);
    expect(abort.signal).toBe(signal);
    abort.abort('closed');
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('closed');
    const late = new RequestAbort();
    late.abort('before');
    expect(late.signal.reason).toBe('before');
  });

  it('onAbort works on a plain AbortSignal too (tests and the probe pass one)', () => {
    const controller = new AbortController();
    let called = 0;
    onAbort(controller.signal, () => called++);
    const stop = onAbort(controller.signal, () => called += 10);
    stop();
    controller.abort();
    expect(called).toBe(1);
  });
});

describe('RequestAbort.abort', () => {
  it('never throws what a listener throws: the others still run and the error is reported as uncaught', async () => {
    const abort = new RequestAbort();
    const ran: string[] = [];
    abort.on('abort', () => {
      ran.push('first');
      throw new Error('listener failed');
    });
    abort.on('abort', () => ran.push('second'));
    const reported = new Promise<unknown>((resolve) => {
      const listeners = process.listeners('uncaughtException');
      process.removeAllListeners('uncaughtException');
      process.once('uncaughtException', (error) => {
        for (const listener of listeners) process.on('uncaughtException', listener);
        resolve(error);
      });
    });
    expect(() => abort.abort('closed')).not.toThrow();
    expect(ran).toEqual(['first', 'second']);
    expect(await reported).toMatchObject({ message: 'listener failed' });
  });
});
