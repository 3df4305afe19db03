// Loads data through the API client for a component, with the three states every page shows
// (loading, error, ready), a reload() for after a change, and optional polling while the tab
// is visible. The last good data stays on screen while a reload runs.
import { useCallback, useEffect, useRef, useState } from 'react';

export interface Loadable<T> {
  status: 'loading' | 'ready' | 'error';
  data: T | undefined;
  error: Error | undefined;
  /** A reload is running (data is the previous answer). */
  refreshing: boolean;
  reload(): void;
}

export function useApi<T>(load: () => Promise<T>, deps: readonly unknown[], options: { refreshMs?: number } = {}): Loadable<T> {
  const [state, setState] = useState<Omit<Loadable<T>, 'reload'>>({ status: 'loading', data: undefined, error: undefined, refreshing: false });
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const run = useCallback(() => {
    const mine = ++generation.current;
    setState((s) => (s.data === undefined ? { status: 'loading', data: undefined, error: undefined, refreshing: false } : { ...s, refreshing: true }));
    loadRef.current().then(
      (data) => {
        if (mine === generation.current) setState({ status: 'ready', data, error: undefined, refreshing: false });
      },
      (error: unknown) => {
        if (mine === generation.current) setState({ status: 'error', data: undefined, error: error instanceof Error ? error : new Error(String(error)), refreshing: false });
      },
    );
  }, []);

  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(run, deps);

  const refreshMs = options.refreshMs;
  useEffect(() => {
    if (refreshMs === undefined) return undefined;
    const timer = setInterval(() => {
      if (document.visibilityState !== 'hidden') run();
    }, refreshMs);
    return () => clearInterval(timer);
  }, [refreshMs, run]);

  useEffect(() => () => {
    // Answers arriving after unmount are dropped.
    generation.current++;
  }, []);

  return { ...state, reload: run };
}
