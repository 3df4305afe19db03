// The loading, error and empty states every data view needs, around a render function that
// only runs with data. Keeps the last answer visible while a reload runs.
import type { ReactNode } from 'react';
import type { Loadable } from '../api/use-api.js';
import { ErrorNotice } from './ErrorNotice.js';

export interface LoadStateProps<T> {
  loadable: Loadable<T>;
  /** What is loading, for the loading line ("Loading keys…"). */
  label: string;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}

export function LoadState<T>({ loadable, label, isEmpty, empty, children }: LoadStateProps<T>) {
  if (loadable.status === 'loading') {
    return (
      <p className="state state-loading" role="status">
        <span className="spinner" aria-hidden="true" />
        Loading {label}…
      </p>
    );
  }
  if (loadable.status === 'error' || loadable.data === undefined) {
    return <ErrorNotice error={loadable.error ?? new Error(`Could not load ${label}`)} onRetry={loadable.reload} />;
  }
  if (isEmpty?.(loadable.data)) return <div className="state state-empty">{empty}</div>;
  return <>{children(loadable.data)}</>;
}
