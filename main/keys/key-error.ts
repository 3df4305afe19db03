// KeyError: why a key-management call was refused, as a stable code the management API maps to
// an HTTP answer (invalid input 400, not found 404, alias taken 400). Messages never contain a
// key or its hash.

export type KeyErrorCode = 'invalid_key_input' | 'key_not_found' | 'key_alias_taken';

export class KeyError extends Error {
  readonly code: KeyErrorCode;
  /** The request field at fault, for the OpenAI error `param`. */
  readonly param: string | null;

  constructor(code: KeyErrorCode, message: string, param: string | null = null) {
    super(message);
    this.name = 'KeyError';
    this.code = code;
    this.param = param;
  }
}
