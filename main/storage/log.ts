// Log: the small slice of a pino logger that storage, keys and metering write to.
// A pino Logger satisfies it as is. Callers must never pass secrets (keys, hashes) in `obj`.

export interface Log {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}
