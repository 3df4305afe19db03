// Types for the undici modules the upstream client loads directly (upstream-client.ts, request-upstream.ts): the
// package's index has no per-file typings, so each is typed as the export of the index it is.
declare module 'undici/lib/dispatcher/pool.js' {
  import { Pool } from 'undici';
  export = Pool;
}
declare module 'undici/lib/core/errors.js' {
  import { errors } from 'undici';
  export = errors;
}
declare module 'undici/lib/api/api-request.js' {
  import type { Dispatcher } from 'undici';
  /** Dispatcher.prototype.request, which only undici's index installs: call it with the pool as `this`. */
  function request(this: Dispatcher, options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData>;
  export = request;
}
declare module 'undici/lib/core/util.js' {
  /** The two helpers request-upstream.ts takes from undici's core, as its request API uses them. */
  const util: {
    /** Raw header pairs (names and values as Buffers) to an object; repeated names become arrays. */
    parseHeaders(rawHeaders: Buffer[], into?: Record<string, string | string[]>): Record<string, string | string[]>;
    /** Listens for the signal's abort (EventEmitter or EventTarget); returns the remover. */
    addAbortListener(signal: { aborted: boolean }, listener: () => void): () => void;
  };
  export = util;
}
