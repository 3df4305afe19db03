// An error shown as text (role=alert), with an optional Retry. Messages come from the gateway's
// error catalogue or the client; they are rendered as text, never as HTML.
import { isApiError } from '../api/api-error.js';

export interface ErrorNoticeProps {
  error: unknown;
  onRetry?: () => void;
}

export function ErrorNotice({ error, onRetry }: ErrorNoticeProps) {
  const message = error instanceof Error ? error.message : String(error);
  const code = isApiError(error) && error.status !== 0 ? ` (${error.status} ${error.code})` : '';
  return (
    <div className="notice notice-error" role="alert">
      <span>
        {message}
        <span className="muted">{code}</span>
      </span>
      {onRetry ? (
        <button type="button" className="button-small" onClick={onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}
