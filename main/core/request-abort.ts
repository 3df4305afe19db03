// One inference request's cancellation: aborted when the client goes away before the answer is
// written, or when the request ends with an upstream body unread. Shaped as the EventEmitter
// undici accepts for a request's `signal` (`aborted`, `reason`, on/once/removeListener) rather
// than an AbortController: a controller, its AbortSignal and undici's `{ once: true }` EventTarget
// listener cost ~7 µs per request, a RequestAbort ~0.01 µs (issue 18 item 4). abort() never throws,
// whatever a listener does; a real AbortSignal is made only when an API takes nothing else.

/** What the request's parts listen to: a RequestAbort, or an AbortSignal (tests, the probe). */
export type CancelSignal = RequestAbort | AbortSignal;

export class RequestAbort {
  aborted = false;
  reason: unknown = undefined;
  private listeners: (() => void)[] | undefined = undefined;
  private controller: AbortController | undefined = undefined;

  /** Aborts once with `reason`; later calls do nothing (like AbortController.abort). */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners;
    this.listeners = undefined;
    if (listeners !== undefined) {
      for (const listener of listeners) {
        // As an EventTarget does: a listener that throws is reported (uncaught, on a later tick)
        // and the others still run, and the caller (the request's `finally`, which still has its
        // usage row to write) never sees the exception.
        try {
          listener();
        } catch (error) {
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    }
    this.controller?.abort(reason);
  }

  /** EventEmitter's `on`: undici checks that it exists before it takes the object as a signal. */
  on(_event: 'abort', listener: () => void): this {
    if (!this.aborted) (this.listeners ??= []).push(listener);
    return this;
  }

  /** Abort happens once, so every listener is a once-listener. */
  once(event: 'abort', listener: () => void): this {
    return this.on(event, listener);
  }

  removeListener(_event: 'abort', listener: () => void): this {
    const listeners = this.listeners;
    if (listeners === undefined) return this;
    const index = listeners.indexOf(listener);
    if (index !== -1) listeners.splice(index, 1);
    return this;
  }

  /** How many listeners are attached (tests: none may outlive the request). */
  listenerCount(_event: 'abort'): number {
    return this.listeners?.length ?? 0;
  }

  /**
   * A real AbortSignal that aborts with this, for APIs that accept nothing else (the retry wait's
   * timer): made on first use only, which a request that never retries never pays.
   */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }
}

/** Calls `listener` once when `signal` aborts; returns what removes it. Either kind of signal. */
export function onAbort(signal: CancelSignal, listener: () => void): () => void {
  if (signal instanceof RequestAbort) {
    signal.once('abort', listener);
    return () => signal.removeListener('abort', listener);
  }
  signal.addEventListener('abort', listener, { once: true });
  return () => signal.removeEventListener('abort', listener);
}
