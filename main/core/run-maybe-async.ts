// runMaybeAsync: drives a generator whose steps yield values that are either plain (SQLite, the
// in-memory rate limiter) or Promises (PostgreSQL, the shared rate limiter). It stays synchronous
// until a step hands it a Promise, and only then continues with await: the desktop's admission
// path gets no Promise and no microtask, team mode the same code with awaits. Never swallows an
// error: a rejected step is thrown into the generator (its catch/finally run), then out.

/** A step's value as its engine returns it. */
export type MaybePromise<T> = T | Promise<T>;

export function runMaybeAsync<T>(steps: Generator<unknown, T, unknown>): MaybePromise<T> {
  let step = steps.next();
  while (!step.done) {
    const value = step.value;
    if (value instanceof Promise) return continueAsync(steps, value);
    step = steps.next(value);
  }
  return step.value;
}

async function continueAsync<T>(steps: Generator<unknown, T, unknown>, pending: Promise<unknown>): Promise<T> {
  let step: IteratorResult<unknown, T>;
  try {
    step = steps.next(await pending);
  } catch (error) {
    step = steps.throw(error);
  }
  while (!step.done) {
    try {
      step = steps.next(step.value instanceof Promise ? await step.value : step.value);
    } catch (error) {
      step = steps.throw(error);
    }
  }
  return step.value;
}

/** Calls `then` on the value now, or once its Promise settles: no microtask for a plain value. */
export function whenSettled<T, R>(value: MaybePromise<T>, then: (resolved: T) => MaybePromise<R>): MaybePromise<R> {
  return value instanceof Promise ? value.then(then) : then(value);
}
