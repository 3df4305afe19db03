// Quitting the tray app, without Electron: the window and tray disappear at once, the gateway
// stops (usage written, database closed), then the app exits, within a cap: a stop queued behind
// a start that waits on the keychain, then the streams' grace period, could hold it ~15 s. A system
// shutdown, restart or logout never waits: usage is written and the database closed synchronously,
// and the quit goes through undeferred (macOS cancels the system's termination when an app
// defers before-quit, electron/electron#7121). Never exits before trying to write queued usage.

/** The whole quit, from the click to the exit: longer than the gateway's 5 s stream grace period. */
export const QUIT_CAP_MS = 7_000;

export interface QuitSequenceDeps {
  /** Stops the gateway the slow, clean way (controller.stop). */
  stop(): Promise<void>;
  /** Writes queued usage and closes the database synchronously (controller.stopNow). */
  stopNow(): void;
  /** Writes queued usage synchronously, keeping everything running (controller.flushNow). */
  flushNow(): void;
  /** Closes the window and removes the tray icon. */
  hideUi(): void;
  /** Last words before the process goes: the log flushed. */
  finish(): void;
  /** app.quit: runs before-quit again, which then lets it through. */
  quit(): void;
  /** app.exit: when the cap is reached. */
  exit(): void;
  /** Runs `fn` after `ms` unless the returned function is called first. */
  setTimer(fn: () => void, ms: number): () => void;
  log: { warn(details: object, message: string): void; error(details: object, message: string): void };
  capMs?: number;
}

export interface QuitSequence {
  /** For before-quit: true when the quit must wait (the caller calls event.preventDefault()). */
  beforeQuit(): boolean;
  /** The system is shutting down, restarting or logging out (powerMonitor 'shutdown', Windows 'session-end'). */
  systemShutdown(): void;
  /** Windows 'query-session-end': the session may end without a before-quit, so queued usage is written now. */
  sessionMayEnd(): void;
}

export function createQuitSequence(deps: QuitSequenceDeps): QuitSequence {
  let phase: 'running' | 'stopping' | 'done' = 'running';
  let cancelCap: (() => void) | null = null;

  // Each step on its own: a failing one must not keep the next from running while the process goes.
  const attempt = (step: () => void, what: string) => {
    try {
      step();
    } catch (error) {
      deps.log.error({ err: error }, what);
    }
  };

  function closeAtOnce(): void {
    cancelCap?.();
    cancelCap = null;
    phase = 'done';
    attempt(deps.stopNow, 'could not write usage and close the database at once');
    attempt(deps.finish, 'error while finishing the quit');
  }

  return {
    beforeQuit() {
      if (phase === 'done') return false;
      if (phase === 'stopping') return true;
      phase = 'stopping';
      attempt(deps.hideUi, 'could not hide the window and tray');
      const capMs = deps.capMs ?? QUIT_CAP_MS;
      cancelCap = deps.setTimer(() => {
        if (phase !== 'stopping') return;
        deps.log.warn({ capMs }, 'the gateway did not stop in time: closing the database at once and exiting');
        closeAtOnce();
        deps.exit();
      }, capMs);
      deps.stop()
        .catch((error: unknown) => deps.log.error({ err: error }, 'error while shutting down'))
        .finally(() => {
          // The cap or a system shutdown finished the quit meanwhile.
          if (phase !== 'stopping') return;
          cancelCap?.();
          cancelCap = null;
          phase = 'done';
          attempt(deps.finish, 'error while finishing the quit');
          deps.quit();
        });
      return true;
    },
    systemShutdown() {
      if (phase === 'done') return;
      if (phase === 'running') attempt(deps.hideUi, 'could not hide the window and tray');
      closeAtOnce();
      deps.quit();
    },
    sessionMayEnd() {
      if (phase === 'done') return;
      attempt(deps.flushNow, 'could not write queued usage');
    },
  };
}
