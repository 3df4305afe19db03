// What the macOS and Windows lookups share around their native calls: answer null off their own
// platform without loading koffi, bind the system libraries on the first call only (a failed bind
// is not retried on every connection: the lookup stays off), and never throw (every failure is
// told to onError and answers null, so the request falls back to the User-Agent).
import type { FindSocketOwner, LoopbackConnection, SocketOwner } from './caller-process.js';
import { loadKoffi, type Ffi } from './load-koffi.js';

/** The options both native lookups take. */
export interface NativeSocketOwnerOptions {
  /** koffi or a fake; default loads koffi on the first call. */
  loadFfi?: () => Ffi | null;
  /** Default process.platform; any other platform than the lookup's answers null without loading koffi. */
  platform?: NodeJS.Platform;
  /** Told why a lookup answered null when something failed (not when simply nothing matched). */
  onError?: (error: Error) => void;
}

/** One OS's lookup: its platform, its name in messages, how it binds, how it finds an owner once bound. */
export interface NativeLookup<N> {
  platform: NodeJS.Platform;
  /** "macOS", "Windows": said when koffi is missing. */
  osName: string;
  /** Binds the libraries; throwing turns the lookup off for good. */
  bind(ffi: Ffi): N;
  find(native: N, connection: LoopbackConnection): SocketOwner | null;
}

export function createNativeSocketOwner<N>(options: NativeSocketOwnerOptions, lookup: NativeLookup<N>): FindSocketOwner {
  const platform = options.platform ?? process.platform;
  const onError = options.onError ?? (() => {});
  let native: N | null | undefined;
  return (connection: LoopbackConnection): SocketOwner | null => {
    if (platform !== lookup.platform) return null;
    try {
      if (native === undefined) {
        native = null; // A failed bind is not retried on every connection.
        const ffi = (options.loadFfi ?? loadKoffi)();
        if (ffi === null) throw new Error(`koffi is not installed: the ${lookup.osName} caller lookup is off`);
        native = lookup.bind(ffi);
      }
      return native === null ? null : lookup.find(native, connection);
    } catch (error) {
      onError(error instanceof Error ? error : new Error(String(error)));
      return null;
    }
  };
}
