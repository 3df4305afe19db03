// Puts a deadline on every SecretStore call. keytar blocks forever when a locked keyring waits
// on an unlock prompt (toolchain.md §2: a DISPLAY and a locked gnome-keyring), so no caller may
// ever await the keychain without one. Never retries and never answers from anywhere else.
import { SecretStoreError, type SecretOperation, type SecretStore } from './secret-store.js';

/** Runs `fire` after `ms`; returns a function that cancels it. Injected so tests never wait. */
export type ScheduleTimeout = (fire: () => void, ms: number) => () => void;

export const DEFAULT_SECRET_TIMEOUT_MS = 5_000;

export interface SecretTimeoutOptions {
  timeoutMs?: number;
  schedule?: ScheduleTimeout;
  /** Appended to the timeout message: what the user can do (platform specific). */
  hint?: string;
}

export const systemSchedule: ScheduleTimeout = (fire, ms) => {
  const timer = setTimeout(fire, ms);
  // A pending keychain deadline must not keep a finished process alive.
  timer.unref();
  return () => clearTimeout(timer);
};

export function withSecretTimeout(store: SecretStore, options: SecretTimeoutOptions = {}): SecretStore {
  const timeoutMs = options.timeoutMs ?? DEFAULT_SECRET_TIMEOUT_MS;
  const schedule = options.schedule ?? systemSchedule;
  const hint = options.hint ? ` ${options.hint}` : '';
  const seconds = `${Number((timeoutMs / 1000).toFixed(1))} s`;
  // Calls that missed their deadline and have not returned yet. keytar runs each call on a libuv
  // pool thread (4 by default, shared with fs and dns); piling more calls onto a hung keychain
  // would starve the whole process, so while one is stuck, new calls fail at once.
  let stuck = 0;

  const guard = <T>(operation: SecretOperation, what: string, call: () => Promise<T>): Promise<T> => {
    if (stuck > 0) {
      return Promise.reject(new SecretStoreError('timeout', operation, `The OS keychain is not answering: an earlier call has not returned after ${seconds}, so Switchboard is not sending it more.${hint}`));
    }
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const cancel = schedule(() => {
        if (settled) return;
        settled = true;
        stuck += 1;
        reject(new SecretStoreError('timeout', operation, `The OS keychain did not answer within ${seconds} (${what}).${hint}`));
      }, timeoutMs);
      let pending: Promise<T>;
      try {
        pending = call();
      } catch (error) {
        pending = Promise.reject(error);
      }
      pending.then(
        (value) => {
          if (settled) return void (stuck -= 1);
          settled = true;
          cancel();
          resolve(value);
        },
        (error: unknown) => {
          if (settled) return void (stuck -= 1);
          settled = true;
          cancel();
          reject(error);
        },
      );
    });
  };

  return {
    kind: store.kind,
    location: store.location,
    get: (name) => guard('get', `reading "${name}"`, () => store.get(name)),
    set: (name, value) => guard('set', `storing "${name}"`, () => store.set(name, value)),
    delete: (name) => guard('delete', `deleting "${name}"`, () => store.delete(name)),
    list: () => guard('list', 'listing credentials', () => store.list()),
  };
}
