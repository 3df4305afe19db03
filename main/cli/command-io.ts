// Where a CLI command writes: stdout for its answer, stderr for problems. Passed in so a command
// never reaches for process.stdout itself, and `logs -f` can be told when to stop.
export interface CommandIO {
  out(text: string): void;
  err(text: string): void;
  /** Whether stdout is a terminal (pretty output) or a pipe or file (JSON lines). */
  stdoutIsTerminal: boolean;
  /** Aborted on SIGINT/SIGTERM: a following command stops cleanly. */
  stop: AbortSignal;
}
