// ApiError: what every failed management call becomes in the dashboard: the HTTP status, the
// gateway's stable error code and its message (shown to the user as text), and the field.
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    /** 0 when the gateway could not be reached at all. */
    readonly status: number,
    readonly code: string,
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}
